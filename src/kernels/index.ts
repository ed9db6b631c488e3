// Public API of src/kernels: re-exports of this layer's modules (owned by whoever works on src/kernels).
export {};
