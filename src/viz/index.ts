// Public API of src/viz: re-exports of this layer's modules (owned by whoever works on src/viz).
export {};
