import type { ReactNode } from 'react'

export function PageHeader({
  title,
  sub,
  children,
}: {
  title: string
  sub?: ReactNode
  children?: ReactNode
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {sub && <div className="header-sub">{sub}</div>}
      </div>
      <div className="header-actions">{children}</div>
    </header>
  )
}
