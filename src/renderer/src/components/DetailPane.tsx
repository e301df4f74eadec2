import { useEffect } from 'react'
import type { ReactNode } from 'react'
import type { QueryState } from '../lib/use-query'
import { Button, ErrorState, Skeleton } from './common'

/**
 * The details pane beside a list (an asset, a finding): a kicker and a title, a close button that
 * Esc also presses (unless a dialog is open over the pane), then the body once the item is loaded,
 * a skeleton while it loads, or the error with a retry.
 */
export function DetailPane({
  label,
  testId,
  kicker,
  title,
  titleTestId,
  query,
  loaded,
  errorTestId,
  skeletonLines,
  onClose,
  children,
  after,
}: {
  /** The pane's accessible name. */
  label: string
  testId: string
  kicker: ReactNode
  /** The item's title; undefined until it is loaded. */
  title: string | null | undefined
  titleTestId: string
  query: QueryState<unknown> & { retry(): void }
  /** Whether the item shown is the one asked for (the body is rendered only then). */
  loaded: boolean
  errorTestId: string
  skeletonLines: number
  onClose(): void
  /** The body, rendered once the item is loaded. */
  children: ReactNode
  /** What follows the body inside the pane (a dialog it opens). */
  after?: ReactNode
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && !document.querySelector('dialog[open]')) onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  return (
    <aside className="pane" aria-label={label} data-testid={testId}>
      <div className="pane-header">
        <div className="pane-title">
          <div className="pane-kicker">{kicker}</div>
          <h2 data-testid={titleTestId}>
            {(loaded ? title : undefined) ??
              (query.status === 'error' ? 'Not available' : 'Loading…')}
          </h2>
        </div>
        <Button
          kind="ghost"
          icon="close"
          ariaLabel="Close details (Esc)"
          onClick={onClose}
          testId="pane-close"
        />
      </div>
      <div className="pane-body">
        {query.status === 'error' && !loaded && (
          <ErrorState error={query.error} onRetry={query.retry} testId={errorTestId} />
        )}
        {!loaded && query.status === 'loading' && <Skeleton lines={skeletonLines} />}
        {loaded && children}
      </div>
      {after}
    </aside>
  )
}
