// Byte counts for people, as `layerlens context`, the Build Context view and the COPY lens's pick write them.
// No imports: the client bundles this file alone.

/** 1023 B, 4.0 KB, 12.3 MB (powers of 1024, one decimal). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
