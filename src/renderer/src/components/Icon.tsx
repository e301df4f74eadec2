/** A small set of 16 px stroke icons (decorative: each sits next to a text label). */
const PATHS = {
  overview: 'M2.5 2.5h4.5v5H2.5zM9 2.5h4.5v3H9zM9 7.5h4.5v6H9zM2.5 9.5h4.5v4H2.5z',
  inventory: 'M8 1.8 14 5 8 8.2 2 5zM2 8l6 3.2L14 8M2 11l6 3.2 6-3.2',
  findings: 'M8 1.8 13.5 4v4c0 3.2-2.3 5.4-5.5 6.4C4.8 13.4 2.5 11.2 2.5 8V4zM8 5.2v3.3M8 10.6v.4',
  settings:
    'M8 5.6a2.4 2.4 0 1 0 0 4.8 2.4 2.4 0 0 0 0-4.8zM8 1.5v1.6M8 12.9v1.6M1.5 8h1.6M12.9 8h1.6M3.4 3.4l1.1 1.1M11.5 11.5l1.1 1.1M3.4 12.6l1.1-1.1M11.5 4.5l1.1-1.1',
  about: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13zM8 7.2v4M8 4.8v.4',
  scan: 'M13.5 8A5.5 5.5 0 1 1 11.9 4.1M13.5 2.5v3h-3',
  search: 'M7 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM10.6 10.6 14 14',
  close: 'M3.5 3.5l9 9M12.5 3.5l-9 9',
  chevron: 'M6 3.5 10.5 8 6 12.5',
  down: 'M3.5 6 8 10.5 12.5 6',
  external: 'M9 2.5h4.5V7M13.5 2.5 7.5 8.5M11.5 9.5v4h-9v-9h4',
  copy: 'M5.5 5.5h8v8h-8zM10.5 5.5v-3h-8v8h3',
  folder: 'M1.8 3.5h4.4l1.4 1.6h6.6v7.4H1.8z',
  check: 'M3 8.5 6.5 12 13 4.5',
  alert: 'M8 2 14.5 13.5h-13zM8 6.2v3.6M8 11.6v.3',
  cube: 'M8 1.8 13.8 5v6L8 14.2 2.2 11V5zM2.2 5 8 8.2 13.8 5M8 8.2v6',
  key: 'M10.2 2.2a3.6 3.6 0 1 1-2.5 6.2L2.5 13.5l-.1-2 1.6-.1.1-1.6 1.6-.1 1.4-1.5a3.6 3.6 0 0 1 3.1-6zM11 4.6v.2',
  terminal: 'M2 3h12v10H2zM4.5 6l2 2-2 2M8 10.5h3.5',
  puzzle: 'M3 4.5h3a1.5 1.5 0 1 1 3 0h3v3a1.5 1.5 0 1 1 0 3v3H9a1.5 1.5 0 1 0-3 0H3z',
  server: 'M2.5 2.5h11v4.5h-11zM2.5 9h11v4.5h-11zM5 4.8h.2M5 11.3h.2',
  bot: 'M3 5.5h10v7.5H3zM8 2.5v3M5.8 9h.2M10 9h.2M1.5 8.5v2M14.5 8.5v2',
  cloud: 'M4.5 12.5h7.2a3 3 0 0 0 .3-6 4 4 0 0 0-7.6-.6A3.2 3.2 0 0 0 4.5 12.5z',
  package: 'M2.5 4.5 8 1.8l5.5 2.7v7L8 14.2l-5.5-2.7zM2.5 4.5 8 7.2l5.5-2.7M8 7.2v7',
  cpu: 'M4 4h8v8H4zM6.3 6.3h3.4v3.4H6.3zM6 1.8V4M10 1.8V4M6 12v2.2M10 12v2.2M1.8 6H4M1.8 10H4M12 6h2.2M12 10h2.2',
  database:
    'M2.8 3.6c0-1 2.3-1.8 5.2-1.8s5.2.8 5.2 1.8v8.8c0 1-2.3 1.8-5.2 1.8s-5.2-.8-5.2-1.8zM2.8 3.6c0 1 2.3 1.8 5.2 1.8s5.2-.8 5.2-1.8M2.8 8c0 1 2.3 1.8 5.2 1.8s5.2-.8 5.2-1.8',
  notebook: 'M3.5 1.8h8.5v12.4H3.5zM6 1.8v12.4M8 5h2.5M8 7.5h2.5',
  file: 'M3.5 1.8h6l3 3v9.4h-9zM9.5 1.8v3h3',
  link: 'M6.8 9.2a3 3 0 0 0 4.2 0l2-2a3 3 0 0 0-4.2-4.2l-.9.9M9.2 6.8a3 3 0 0 0-4.2 0l-2 2a3 3 0 0 0 4.2 4.2l.9-.9',
  print: 'M4.5 5.5v-3h7v3M4.5 11H2.5V6h11v5h-2M4.5 9h7v4.5h-7z',
  download: 'M8 2v8M4.8 7 8 10.2 11.2 7M2.5 13.5h11',
  shield: 'M8 1.8 13.5 4v4c0 3.2-2.3 5.4-5.5 6.4C4.8 13.4 2.5 11.2 2.5 8V4zM5.5 8l1.8 1.8 3.2-3.4',
  undo: 'M5.5 3 2.5 6l3 3M2.5 6h7a4 4 0 0 1 0 8h-2',
  clock: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13zM8 4.5V8l2.5 1.5',
  plus: 'M8 3v10M3 8h10',
  trash: 'M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4',
  eye: 'M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
} as const

export type IconName = keyof typeof PATHS

export function Icon({
  name,
  size = 16,
  className,
}: {
  name: IconName
  size?: number
  className?: string
}) {
  return (
    <svg
      className={`icon${className ? ` ${className}` : ''}`}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
    >
      <path
        d={PATHS[name]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  )
}
