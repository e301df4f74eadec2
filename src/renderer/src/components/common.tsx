import { useEffect, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { call, errorMessage } from '../lib/api'
import { exactTime, formatBytes, middlePath, relativeTime } from '../lib/format'
import { Icon } from './Icon'
import type { IconName } from './Icon'
import { toast } from './toast'

export function Button({
  children,
  onClick,
  kind = 'secondary',
  icon,
  disabled,
  title,
  type = 'button',
  testId,
  small,
  ariaLabel,
  ariaExpanded,
  ariaControls,
}: {
  children?: ReactNode
  onClick?: () => void
  kind?: 'primary' | 'secondary' | 'ghost' | 'danger'
  icon?: IconName
  disabled?: boolean
  title?: string
  type?: 'button' | 'submit'
  testId?: string
  small?: boolean
  ariaLabel?: string
  ariaExpanded?: boolean
  ariaControls?: string
}) {
  return (
    <button
      type={type}
      className={`btn btn-${kind}${small ? ' btn-small' : ''}${children ? '' : ' btn-icon'}`}
      onClick={onClick}
      disabled={disabled}
      title={title}
      aria-label={ariaLabel}
      aria-expanded={ariaExpanded}
      aria-controls={ariaControls}
      data-testid={testId}
    >
      {icon && <Icon name={icon} />}
      {children}
    </button>
  )
}

/** "5 min ago", exact time on hover; refreshes itself every half minute. */
export function RelativeTime({ iso, prefix }: { iso: string | undefined; prefix?: string }) {
  const [, tick] = useState(0)
  useEffect(() => {
    const t = window.setInterval(() => tick((n) => n + 1), 30_000)
    return () => window.clearInterval(t)
  }, [])
  if (!iso) return <span className="muted">—</span>
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {prefix}
      {relativeTime(iso)}
    </time>
  )
}

let homeDir: string | undefined
export function setHomeDir(h: string): void {
  homeDir = h
}

/**
 * A message from the engine with the home folder written as `~`: findings name absolute paths,
 * which in a list repeat the user's home folder on every row. The full text stays on hover.
 */
export function HomeText({ text }: { text: string }) {
  const short = homeDir && homeDir.length > 1 ? text.split(`${homeDir}/`).join('~/') : text
  return <span title={short === text ? undefined : text}>{short}</span>
}

/** A path shortened in the middle (monospace), the full path on hover. */
export function PathText({
  path,
  max = 64,
  className,
}: {
  path: string
  max?: number
  className?: string
}) {
  return (
    <span className={`mono path${className ? ` ${className}` : ''}`} title={path}>
      {middlePath(path, max, homeDir)}
    </span>
  )
}

export function Bytes({ n }: { n: number | undefined }) {
  return (
    <span title={n !== undefined ? `${n.toLocaleString('en-US')} bytes` : undefined}>
      {formatBytes(n)}
    </span>
  )
}

export function EmptyState({
  icon,
  title,
  children,
  action,
}: {
  icon: IconName
  title: string
  children?: ReactNode
  action?: ReactNode
}) {
  return (
    <div className="empty-state" role="status">
      <div className="empty-icon">
        <Icon name={icon} size={22} />
      </div>
      <h3>{title}</h3>
      {children && <div className="empty-text">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  )
}

export function ErrorState({
  error,
  onRetry,
  testId,
}: {
  error: unknown
  onRetry?: () => void
  testId?: string
}) {
  return (
    <div className="error-state" role="alert" data-testid={testId ?? 'error-state'}>
      <Icon name="alert" size={18} />
      <div className="error-body">
        <div className="error-title">Could not load this</div>
        <div className="error-text">{errorMessage(error)}</div>
      </div>
      {onRetry && (
        <Button small onClick={onRetry} icon="scan">
          Try again
        </Button>
      )}
    </div>
  )
}

export function Skeleton({ lines = 3 }: { lines?: number }) {
  return (
    <div className="skeleton" aria-busy="true" aria-label="Loading">
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" style={{ width: `${90 - i * 17}%` }} />
      ))}
    </div>
  )
}

/** Copies through main (the page has no clipboard permission): an item's path, or given text. */
export function CopyButton({
  what,
  label = 'Copy path',
  small = true,
  testId,
}: {
  what: { assetId: string } | { findingId: string } | { text: string }
  label?: string
  small?: boolean
  testId?: string
}) {
  return (
    <Button
      small={small}
      icon="copy"
      testId={testId}
      onClick={() =>
        void call('copyText', what).then(
          () => toast('Copied to the clipboard'),
          (e: unknown) => toast(errorMessage(e), 'error'),
        )
      }
    >
      {label}
    </Button>
  )
}

export function KeyValues({
  rows,
}: {
  rows: readonly (readonly [string, ReactNode] | false | undefined | null)[]
}) {
  return (
    <dl className="kv">
      {rows
        .filter((r): r is readonly [string, ReactNode] => !!r)
        .map(([k, v]) => (
          <div className="kv-row" key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  )
}

/** A search field with a debounce (the list is queried ~150 ms after the last key). */
export function SearchBox({
  value,
  onChange,
  placeholder,
  label,
  inputRef,
  testId,
}: {
  value: string
  onChange(v: string): void
  placeholder: string
  label: string
  inputRef?: React.RefObject<HTMLInputElement | null>
  testId?: string
}) {
  const [text, setText] = useState(value)
  // The route changed the value (Back, Clear filters): show it.
  const [shown, setShown] = useState(value)
  if (shown !== value) {
    setShown(value)
    setText(value)
  }
  const timer = useRef<number | undefined>(undefined)
  useEffect(() => () => window.clearTimeout(timer.current), [])
  return (
    <label className="search">
      <Icon name="search" />
      <input
        ref={inputRef}
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={text}
        data-testid={testId}
        onChange={(e) => {
          const v = e.target.value
          setText(v)
          window.clearTimeout(timer.current)
          timer.current = window.setTimeout(() => onChange(v), 150)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && text) {
            e.stopPropagation()
            setText('')
            onChange('')
          }
        }}
      />
    </label>
  )
}

export function Segmented<T extends string>({
  value,
  options,
  onChange,
  label,
  testId,
}: {
  value: T
  options: readonly { value: T; label: string; count?: number }[]
  onChange(v: T): void
  label: string
  testId?: string
}) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <button
          type="button"
          key={o.value}
          role="radio"
          aria-checked={o.value === value}
          className={o.value === value ? 'on' : ''}
          onClick={() => onChange(o.value)}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
            e.preventDefault()
            const i = options.findIndex((x) => x.value === value)
            const next =
              options[(i + (e.key === 'ArrowRight' ? 1 : options.length - 1)) % options.length]!
            onChange(next.value)
            ;(
              e.currentTarget.parentElement?.querySelector(
                `[data-value="${next.value}"]`,
              ) as HTMLElement | null
            )?.focus()
          }}
          data-value={o.value}
          tabIndex={o.value === value ? 0 : -1}
        >
          {o.label}
          {o.count !== undefined && (
            <span className="seg-count">{o.count.toLocaleString('en-US')}</span>
          )}
        </button>
      ))}
    </div>
  )
}

export function Toggle({
  checked,
  onChange,
  label,
  description,
  testId,
  disabled,
}: {
  checked: boolean
  onChange(v: boolean): void
  label: string
  description?: ReactNode
  testId?: string
  disabled?: boolean
}) {
  return (
    <label className="toggle-row">
      <span className="toggle-text">
        <span className="toggle-label">{label}</span>
        {description && <span className="toggle-desc">{description}</span>}
      </span>
      <input
        type="checkbox"
        role="switch"
        className="toggle"
        checked={checked}
        disabled={disabled}
        data-testid={testId}
        onChange={(e) => onChange(e.target.checked)}
      />
    </label>
  )
}
