// Settings pulled from the client per document (workspace/configuration), cached until they change.
import type { Connection } from 'vscode-languageserver';
import { normaliseSettings, settingsSection, type LayerLensSettings } from '../settings';

export interface SettingsSource {
  get(uri: string): Promise<LayerLensSettings>;
  clear(): void;
}

/** Without the client capability, every document gets the defaults. */
export function pulledSettings(connection: Connection, clientCanAnswer: boolean): SettingsSource {
  const cache = new Map<string, Promise<LayerLensSettings>>();
  return {
    get(uri) {
      if (!clientCanAnswer) return Promise.resolve(normaliseSettings(undefined));
      let settings = cache.get(uri);
      if (!settings) {
        settings = connection.workspace.getConfiguration({ scopeUri: uri, section: settingsSection }).then(normaliseSettings);
        cache.set(uri, settings);
        settings.catch(() => cache.delete(uri));
      }
      return settings;
    },
    clear: () => cache.clear(),
  };
}
