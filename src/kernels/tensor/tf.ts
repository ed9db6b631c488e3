/**
 * tfjs as cislab uses it: the core (ops and autodiff) only, so importing cislab loads no backend. Every module
 * that computes with tensors imports tfjs from here. `initBackend()` chooses the backend (native, wasm, cpu); code
 * that computes before any choice gets the pure-JavaScript cpu backend, whose package loads on that first use.
 * The gradients and the chained-op methods (`tensor.reshape()`, used inside tfjs-layers) are registered then too.
 * The cpu backend's "looks like you are running TensorFlow.js in Node.js" banner is switched off: cislab says
 * itself which backend it chose.
 */
import * as tf from '@tensorflow/tfjs-core';

let registered = false;

/**
 * Registers tfjs's gradients and chained ops (once), before any backend is set up. tfjs 4.22 ships them, for
 * CommonJS, only inside the `@tensorflow/tfjs` bundle (tfjs-core's own copies are ES modules that Node cannot
 * require), so the bundle is loaded here, at the first computation rather than on import. Its own backend
 * registrations are notices we silence; the 'cpu' registered below stays.
 */
export function registerTfjsOps(): void {
  if (registered) return;
  registered = true;
  quietly(() => require('@tensorflow/tfjs'));
}

/** Runs `fn` with tfjs's console notices ("backend was already registered") off. */
function quietly<T>(fn: () => T): T {
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  try {
    return fn();
  } finally {
    env.set('PROD', prod);
  }
}

/** The cpu backend package (its kernels register on load). */
export function loadCpuBackend(): { MathBackendCPU: new () => tf.KernelBackend } {
  registerTfjsOps();
  return quietly(() => require('@tensorflow/tfjs-backend-cpu'));
}

if (!tf.findBackendFactory('cpu')) {
  tf.registerBackend('cpu', () => {
    const backend = new (loadCpuBackend().MathBackendCPU)();
    (backend as unknown as { firstUse: boolean }).firstUse = false;
    return backend;
  }, 1);
}

export { tf };
