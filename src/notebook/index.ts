// Public API of src/notebook: re-exports of this layer's modules (owned by whoever works on src/notebook).
export {};
