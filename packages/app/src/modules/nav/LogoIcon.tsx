/** The Paved mark: a road of three paving stones leading up and away. */
export const LogoIcon = () => (
  <svg
    width={32}
    height={32}
    viewBox="0 0 32 32"
    role="img"
    aria-label="Paved"
    xmlns="http://www.w3.org/2000/svg"
  >
    <rect width="32" height="32" rx="8" fill="#0f766e" />
    <path d="M9 27 L13 5 H19 L23 27 Z" fill="#134e4a" />
    <rect x="14.5" y="7" width="3" height="4" rx="1" fill="#fbbf24" />
    <rect x="14" y="14" width="4" height="5" rx="1" fill="#fbbf24" />
    <rect x="13.5" y="21.5" width="5" height="5.5" rx="1" fill="#fbbf24" />
  </svg>
);
