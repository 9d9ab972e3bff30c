// The extension's settings: one typed shape, one defaults object, and a normaliser that turns whatever the
// client sends (partial, stale, hand-edited JSON) into a complete, valid shape.
import type { Builder } from './core/types';

export interface LayerLensSettings {
  /** Which builder's cache rules to predict with. */
  builder: Builder;
}

export const defaultSettings: Readonly<LayerLensSettings> = Object.freeze({
  builder: 'buildkit',
});

/** The settings section the client reads and the server requests (`layerLens.*`). */
export const settingsSection = 'layerLens';

export function normaliseSettings(raw: unknown): LayerLensSettings {
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    builder: value.builder === 'classic' || value.builder === 'buildkit' ? value.builder : defaultSettings.builder,
  };
}
