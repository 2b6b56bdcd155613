// The kscope mark and name, shared by the top bar and the connection screen.
export function Brand({ className = '' }: { className?: string }) {
  return (
    <div className={`brand ${className}`.trim()}>
      <span className="brand-mark" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      <span className="brand-name">kscope</span>
    </div>
  );
}
