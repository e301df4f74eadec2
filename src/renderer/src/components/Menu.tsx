import { useEffect, useRef, useState } from 'react'
import type { IconName } from './Icon'
import { Icon } from './Icon'

export type MenuItem = Readonly<{ id: string; label: string; hint?: string; onSelect(): void }>

/** A button that opens a list of actions (arrow keys move, Enter picks, Esc closes). */
export function MenuButton({
  label,
  icon,
  items,
  testId,
}: {
  label: string
  icon?: IconName
  items: readonly MenuItem[]
  testId?: string
}) {
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!open) return
    const first = root.current?.querySelector<HTMLElement>('[role="menuitem"]')
    first?.focus()
    const onDown = (e: MouseEvent): void => {
      if (!root.current?.contains(e.target as Node)) setOpen(false)
    }
    window.addEventListener('mousedown', onDown)
    return () => window.removeEventListener('mousedown', onDown)
  }, [open])
  const close = (): void => {
    setOpen(false)
    button.current?.focus()
  }
  return (
    <div className="menu-wrap" ref={root}>
      <button
        ref={button}
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid={testId}
        onClick={() => setOpen((o) => !o)}
      >
        {icon && <Icon name={icon} />}
        {label}
        <Icon name="down" size={12} />
      </button>
      {open && (
        <div
          className="menu"
          role="menu"
          aria-label={label}
          onKeyDown={(e) => {
            const items = [
              ...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []),
            ]
            const i = items.indexOf(document.activeElement as HTMLElement)
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault()
              items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
            } else if (e.key === 'Escape' || e.key === 'Tab') {
              e.preventDefault()
              e.stopPropagation()
              close()
            }
          }}
        >
          {items.map((it) => (
            <button
              key={it.id}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              data-testid={testId ? `${testId}-${it.id}` : undefined}
              onClick={() => {
                close()
                it.onSelect()
              }}
            >
              <span>{it.label}</span>
              {it.hint && <span className="menu-hint">{it.hint}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
