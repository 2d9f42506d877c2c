export const PLATFORM_NAME = '社会工作服务项目管理平台';

/** Logo mark and platform name. */
export function Brand({ compact = false }: { compact?: boolean }) {
  return (
    <span className="brand">
      <span className="brand-mark" aria-hidden="true">
        社
      </span>
      <span className="brand-name">{compact ? '社工服务平台' : PLATFORM_NAME}</span>
    </span>
  );
}
