/**
 * Argument shapes and stack effects of every pickle opcode (protocols 0-5, as pickletools lists
 * them), shared by the content sniff and the linear pass that runs after a resource limit.
 */
/** Argument shapes of the opcodes (see pickletools). */
export enum A {
  None,
  Line,
  Int1,
  Int2,
  Int4,
  Int8,
  Len1,
  Len4,
  Len8,
  Two,
}

/** Bytes of a fixed-width integer argument. */
export const INT_WIDTH: Readonly<Record<A.Int1 | A.Int2 | A.Int4 | A.Int8, number>> = {
  [A.Int1]: 1,
  [A.Int2]: 2,
  [A.Int4]: 4,
  [A.Int8]: 8,
}

/** [argument, pops, pushes, flags]; flags: 1 = needs a MARK (pops to it), 2 = calls or imports. */
export type Op = readonly [A, number, number, number]

export const OPS: ReadonlyMap<number, Op> = new Map<number, Op>([
  [0x80, [A.Int1, 0, 0, 0]], // PROTO (legal anywhere in a stream)
  [0x95, [A.Int8, 0, 0, 0]], // FRAME
  [0x28, [A.None, 0, 0, 0]], // MARK (handled specially)
  [0x2e, [A.None, 0, 0, 0]], // STOP (handled specially)
  [0x30, [A.None, 0, 0, 0]], // POP (handled specially: pops a MARK when the stack is empty)
  [0x31, [A.None, 0, 0, 1]], // POP_MARK
  [0x32, [A.None, 1, 2, 0]], // DUP
  [0x46, [A.Line, 0, 1, 0]], // FLOAT
  [0x49, [A.Line, 0, 1, 0]], // INT
  [0x4a, [A.Int4, 0, 1, 0]], // BININT
  [0x4b, [A.Int1, 0, 1, 0]], // BININT1
  [0x4c, [A.Line, 0, 1, 0]], // LONG
  [0x4d, [A.Int2, 0, 1, 0]], // BININT2
  [0x4e, [A.None, 0, 1, 0]], // NONE
  [0x50, [A.Line, 0, 1, 0]], // PERSID
  [0x51, [A.None, 1, 1, 0]], // BINPERSID
  [0x52, [A.None, 2, 1, 2]], // REDUCE
  [0x53, [A.Line, 0, 1, 0]], // STRING
  [0x54, [A.Len4, 0, 1, 0]], // BINSTRING
  [0x55, [A.Len1, 0, 1, 0]], // SHORT_BINSTRING
  [0x56, [A.Line, 0, 1, 0]], // UNICODE
  [0x58, [A.Len4, 0, 1, 0]], // BINUNICODE
  [0x61, [A.None, 2, 1, 0]], // APPEND
  [0x62, [A.None, 2, 1, 0]], // BUILD
  [0x63, [A.Two, 0, 1, 2]], // GLOBAL
  [0x64, [A.None, 0, 1, 1]], // DICT
  [0x7d, [A.None, 0, 1, 0]], // EMPTY_DICT
  [0x65, [A.None, 1, 1, 1]], // APPENDS (list below the MARK)
  [0x67, [A.Line, 0, 1, 0]], // GET
  [0x68, [A.Int1, 0, 1, 0]], // BINGET
  [0x69, [A.Two, 0, 1, 3]], // INST
  [0x6a, [A.Int4, 0, 1, 0]], // LONG_BINGET
  [0x6c, [A.None, 0, 1, 1]], // LIST
  [0x5d, [A.None, 0, 1, 0]], // EMPTY_LIST
  [0x6f, [A.None, 0, 1, 3]], // OBJ
  [0x70, [A.Line, 1, 1, 0]], // PUT
  [0x71, [A.Int1, 1, 1, 0]], // BINPUT
  [0x72, [A.Int4, 1, 1, 0]], // LONG_BINPUT
  [0x73, [A.None, 3, 1, 0]], // SETITEM
  [0x74, [A.None, 0, 1, 1]], // TUPLE
  [0x29, [A.None, 0, 1, 0]], // EMPTY_TUPLE
  [0x75, [A.None, 1, 1, 1]], // SETITEMS (dict below the MARK)
  [0x47, [A.Int8, 0, 1, 0]], // BINFLOAT
  [0x42, [A.Len4, 0, 1, 0]], // BINBYTES
  [0x43, [A.Len1, 0, 1, 0]], // SHORT_BINBYTES
  [0x81, [A.None, 2, 1, 2]], // NEWOBJ
  [0x82, [A.Int1, 0, 1, 0]], // EXT1 (an import, but one byte of noise is not proof)
  [0x83, [A.Int2, 0, 1, 0]], // EXT2
  [0x84, [A.Int4, 0, 1, 0]], // EXT4
  [0x85, [A.None, 1, 1, 0]], // TUPLE1
  [0x86, [A.None, 2, 1, 0]], // TUPLE2
  [0x87, [A.None, 3, 1, 0]], // TUPLE3
  [0x88, [A.None, 0, 1, 0]], // NEWTRUE
  [0x89, [A.None, 0, 1, 0]], // NEWFALSE
  [0x8a, [A.Len1, 0, 1, 0]], // LONG1
  [0x8b, [A.Len4, 0, 1, 0]], // LONG4
  [0x8c, [A.Len1, 0, 1, 0]], // SHORT_BINUNICODE
  [0x8d, [A.Len8, 0, 1, 0]], // BINUNICODE8
  [0x8e, [A.Len8, 0, 1, 0]], // BINBYTES8
  [0x8f, [A.None, 0, 1, 0]], // EMPTY_SET
  [0x90, [A.None, 1, 1, 1]], // ADDITEMS (set below the MARK)
  [0x91, [A.None, 0, 1, 1]], // FROZENSET
  [0x92, [A.None, 3, 1, 2]], // NEWOBJ_EX
  [0x93, [A.None, 2, 1, 2]], // STACK_GLOBAL
  [0x94, [A.None, 1, 1, 0]], // MEMOIZE
  [0x97, [A.None, 0, 1, 0]], // NEXT_BUFFER
  [0x98, [A.None, 1, 1, 0]], // READONLY_BUFFER
  [0x96, [A.Len8, 0, 1, 0]], // BYTEARRAY8
])
