/** The current screen's search field, focused by Ctrl/Cmd+F (menu or page shortcut). */
let target: HTMLInputElement | null = null

export function registerSearch(el: HTMLInputElement | null): void {
  target = el
}

export function focusSearch(): void {
  target?.focus()
  target?.select()
}
