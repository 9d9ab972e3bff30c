// The layer stack as the server draws it and the webview paints it (types only).
export type { DrawnBlock, DrawnEdge, DrawnStage, LayerStackModel } from '../core/stack/layerStack';
