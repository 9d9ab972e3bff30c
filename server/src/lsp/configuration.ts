// Settings pulled from the client per document (workspace/configuration), cached until they change.
import type { Connection } from 'vscode-languageserver';
import { normaliseSettings, settingsSection, type LayerLensSettings } from '../settings';

export interface SettingsSource {
  get(uri: string): Promise<LayerLensSettings>;
  clear(): void;
}

/**
 * Said once per server when an untrusted workspace has `layerLens.dockerfiles` entries. VS Code already withholds
 * the workspace's own value in Restricted Mode (package.json restrictedConfigurations); the server cannot tell
 * where a value came from, so it ignores the whole setting until the workspace is trusted.
 */
export const RESTRICTED_DOCKERFILES_NOTE =
  'Restricted Mode: the layerLens.dockerfiles setting is ignored (it names build context folders, which could be anywhere on disk), so each Dockerfile uses its own folder as the build context. Trust the workspace to apply it.';

/** Without the client capability, every document gets the defaults. */
export function pulledSettings(connection: Connection, clientCanAnswer: boolean, trusted: () => boolean, log: (message: string) => void): SettingsSource {
  const cache = new Map<string, Promise<LayerLensSettings>>();
  let noted = false;
  const restrict = (settings: LayerLensSettings): LayerLensSettings => {
    if (trusted() || Object.keys(settings.dockerfiles).length === 0) return settings;
    if (!noted) log(RESTRICTED_DOCKERFILES_NOTE);
    noted = true;
    return { ...settings, dockerfiles: {} };
  };
  return {
    get(uri) {
      if (!clientCanAnswer) return Promise.resolve(normaliseSettings(undefined));
      let settings = cache.get(uri);
      if (!settings) {
        settings = connection.workspace.getConfiguration({ scopeUri: uri, section: settingsSection }).then((raw) => restrict(normaliseSettings(raw)));
        cache.set(uri, settings);
        settings.catch(() => cache.delete(uri));
      }
      return settings;
    },
    clear: () => cache.clear(),
  };
}
