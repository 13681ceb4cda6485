/**
 * The fingerprint components only a document can read: the screen and the WebGL vendor
 * and renderer (the GPU). Runs in the offscreen document on Chromium and directly in the
 * background page on Firefox; never in a web page. No browser.* here, only the DOM.
 */
import type { ClientFingerprint } from '@/src/shared/protocol';

export type PageComponents = Pick<ClientFingerprint, 'screen' | 'webgl'>;

/** WEBGL_debug_renderer_info's constants (the unmasked GPU strings). */
const UNMASKED_VENDOR_WEBGL = 0x9245;
const UNMASKED_RENDERER_WEBGL = 0x9246;

export function readWebgl(doc: Document): PageComponents['webgl'] {
  try {
    const canvas = doc.createElement('canvas');
    const gl = (canvas.getContext('webgl') ?? canvas.getContext('experimental-webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const vendor = String(gl.getParameter(debug ? UNMASKED_VENDOR_WEBGL : gl.VENDOR) ?? '');
    const renderer = String(gl.getParameter(debug ? UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { vendor: vendor.slice(0, 128), renderer: renderer.slice(0, 256) };
  } catch {
    return null;
  }
}

export function readPageComponents(win: Pick<Window, 'screen' | 'devicePixelRatio' | 'document'>): PageComponents {
  const { screen } = win;
  return {
    screen: screen
      ? {
          width: Math.round(screen.width),
          height: Math.round(screen.height),
          colorDepth: Math.round(screen.colorDepth),
          pixelRatio: win.devicePixelRatio || 1,
        }
      : null,
    webgl: readWebgl(win.document),
  };
}
