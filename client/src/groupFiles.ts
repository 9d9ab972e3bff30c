// The files a COPY/ADD reads, grouped by folder for the lens's pick: one group per folder that holds files directly,
// in path order, each with its file count and bytes, so a step reading thousands of files stays a list to scan and
// filter. Pure (no vscode): commands.ts turns the groups into QuickPick separators and items.

export interface ReadFile {
  path: string;
  size: number;
}

export interface FileGroup {
  /** The folder ('' for the context's root). */
  folder: string;
  files: ReadFile[];
  bytes: number;
}

const folderOf = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
};

/** Groups by the folder each file is directly in; the root first, then folders in path order. */
export function groupByFolder(files: readonly ReadFile[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const file of files) {
    const folder = folderOf(file.path);
    let group = groups.get(folder);
    if (!group) groups.set(folder, (group = { folder, files: [], bytes: 0 }));
    group.files.push(file);
    group.bytes += file.size;
  }
  const sorted = [...groups.values()].sort((a, b) => (a.folder === b.folder ? 0 : a.folder === '' ? -1 : b.folder === '' ? 1 : a.folder < b.folder ? -1 : 1));
  for (const g of sorted) g.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted;
}
