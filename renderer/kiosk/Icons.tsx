/** Line icons drawn inline (no icon font, no emoji font needed on the kiosk). */
const common = { fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round' as const, strokeLinejoin: 'round' as const };

export function CardIcon({ size = 64 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 48 48" aria-hidden="true" {...common}>
      <rect x="4" y="10" width="40" height="28" rx="4" />
      <circle cx="16" cy="22" r="5" />
      <path d="M9 33c1.5-4 4-6 7-6s5.5 2 7 6M28 19h10M28 25h10M28 31h6" />
    </svg>
  );
}

export function QrIcon({ size = 64 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 48 48" aria-hidden="true" {...common}>
      <rect x="6" y="6" width="14" height="14" rx="1" />
      <rect x="28" y="6" width="14" height="14" rx="1" />
      <rect x="6" y="28" width="14" height="14" rx="1" />
      <path d="M28 28h6v6h-6zM38 28h4M28 38h4M36 36h6v6M11 11h4v4h-4zM33 11h4v4h-4zM11 33h4v4h-4z" />
    </svg>
  );
}

export function TouchIcon({ size = 72 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 48 48" aria-hidden="true" {...common}>
      <path d="M18 24V9a3 3 0 0 1 6 0v13M24 21v-3a3 3 0 0 1 6 0v5M30 22a3 3 0 0 1 6 0v3M36 25a3 3 0 0 1 6 0v7c0 7-5 12-12 12h-2c-5 0-8-2-11-6l-6-8a3 3 0 0 1 5-4l4 4" />
    </svg>
  );
}

export function PrinterIcon({ size = 96 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 48 48" aria-hidden="true" {...common}>
      <path d="M14 18V6h20v12M14 34H8a2 2 0 0 1-2-2V20a2 2 0 0 1 2-2h32a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-6" />
      <rect x="14" y="28" width="20" height="14" />
      <path d="M19 33h10M19 37h7" />
    </svg>
  );
}

export function PhoneIcon({ size = 40 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 48 48" aria-hidden="true" {...common}>
      <path d="M14 6h8l3 9-5 3a24 24 0 0 0 10 10l3-5 9 3v8a4 4 0 0 1-4 4C20 38 10 28 10 10a4 4 0 0 1 4-4z" />
    </svg>
  );
}
