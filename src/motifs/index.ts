// Public API of src/motifs: re-exports of this layer's modules (owned by whoever works on src/motifs).
export {};
