// Public API of src/stats: re-exports of this layer's modules (owned by whoever works on src/stats).
export {};
