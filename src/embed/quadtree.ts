/**
 * The point quadtree of Barnes-Hut t-SNE (tsne.ts), rebuilt every iteration, with each cell's point count and
 * centre of mass. Nodes live in flat typed arrays (a node's four children are consecutive, from `child[node]`
 * on), so a build allocates nothing once the arrays have grown. With `shared: true` the arrays live in
 * SharedArrayBuffers, and worker threads attach to them read-only (`QuadTree.attach`) to compute the
 * repulsion of their share of the points while the main thread computes its own (tsne-parallel.ts).
 */

/** The arrays of a tree, for attaching to it from another thread. */
export interface QuadTreeBuffers {
  cx: Float64Array; cy: Float64Array; half: Float64Array; mass: Float64Array; sumX: Float64Array; sumY: Float64Array;
  child: Int32Array; point: Int32Array;
}

/** A point quadtree over a 2-D layout (interleaved x, y). */
export class QuadTree {
  private capacity = 0;
  private cx: Float64Array = new Float64Array(0); // cell centre and half-width
  private cy: Float64Array = new Float64Array(0);
  private half: Float64Array = new Float64Array(0);
  private mass: Float64Array = new Float64Array(0);
  private sumX: Float64Array = new Float64Array(0);
  private sumY: Float64Array = new Float64Array(0);
  private child: Int32Array = new Int32Array(0); // first child's node id, −1 for a leaf
  private point: Int32Array = new Int32Array(0); // a leaf's point (−1: empty)
  private nodes = 0;
  // Depth-first traversal holds at most 3 siblings per level, and insertion stops at depth 61.
  private readonly stack = new Int32Array(256);
  private layout: Float64Array = new Float64Array(0);

  /** Increments whenever the arrays are reallocated (attached threads must re-attach). */
  generation = 0;

  constructor(points: number, private readonly shared = false) {
    this.grow(Math.max(64, 4 * points));
  }

  /** A read-only view of another thread's tree, for `repulsion` only. */
  static attach(buffers: QuadTreeBuffers): QuadTree {
    const t = new QuadTree(0);
    Object.assign(t, buffers);
    t.capacity = buffers.mass.length;
    return t;
  }

  buffers(): QuadTreeBuffers {
    const { cx, cy, half, mass, sumX, sumY, child, point } = this;
    return { cx, cy, half, mass, sumX, sumY, child, point };
  }

  build(layout: Float64Array): void {
    this.layout = layout;
    const n = layout.length / 2;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = layout[2 * i]!, y = layout[2 * i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const half = (Math.max(maxX - minX, maxY - minY) / 2) * (1 + 1e-9) + 1e-12;
    this.nodes = 0;
    this.newNode((minX + maxX) / 2, (minY + maxY) / 2, half);
    for (let i = 0; i < n; i++) this.insert(i);
  }

  /** Σ_j q_ij² (yi − yj) into force[0..1] and Σ_j q_ij into force[2], over every point but i. */
  repulsion(xi: number, yi: number, i: number, theta: number, force: number[]): void {
    let fx = 0, fy = 0, sumQ = 0;
    const theta2 = theta * theta;
    const stack = this.stack;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      const m = this.mass[node]!;
      if (m === 0) continue;
      const first = this.child[node]!;
      if (first < 0 && this.point[node] === i) {
        sumQ += m - 1; // coincident points: distance 0, q = 1, no force
        continue;
      }
      const dx = xi - this.sumX[node]! / m;
      const dy = yi - this.sumY[node]! / m;
      const d2 = dx * dx + dy * dy;
      const width = 2 * this.half[node]!;
      if (first < 0 || width * width < theta2 * d2) {
        const q = 1 / (1 + d2);
        sumQ += m * q;
        const mq2 = m * q * q;
        fx += mq2 * dx;
        fy += mq2 * dy;
      } else {
        for (let c = 0; c < 4; c++) stack[top++] = first + c;
      }
    }
    force[0] = fx;
    force[1] = fy;
    force[2] = sumQ;
  }

  private insert(i: number): void {
    const x = this.layout[2 * i]!, y = this.layout[2 * i + 1]!;
    let node = 0;
    for (let depth = 0; ; depth++) {
      const m = this.mass[node]!;
      this.mass[node] = m + 1;
      this.sumX[node]! += x;
      this.sumY[node]! += y;
      if (this.child[node]! < 0) {
        if (m === 0) {
          this.point[node] = i;
          return;
        }
        const other = this.point[node]!;
        const ox = this.layout[2 * other]!, oy = this.layout[2 * other + 1]!;
        // Coincident (or, past depth 60, numerically inseparable) points share a leaf.
        if ((ox === x && oy === y) || depth > 60) return;
        this.split(node, other, ox, oy, m);
      }
      node = this.child[node]! + this.quadrant(node, x, y);
    }
  }

  /** Turns a leaf holding `m` copies of one point into an internal node with that point in one child. */
  private split(node: number, other: number, ox: number, oy: number, m: number): void {
    const h = this.half[node]! / 2;
    const cx = this.cx[node]!, cy = this.cy[node]!;
    const first = this.newNode(cx - h, cy - h, h);
    this.newNode(cx + h, cy - h, h);
    this.newNode(cx - h, cy + h, h);
    this.newNode(cx + h, cy + h, h);
    this.child[node] = first;
    this.point[node] = -1;
    const c = first + this.quadrant(node, ox, oy);
    this.mass[c] = m;
    this.sumX[c] = m * ox;
    this.sumY[c] = m * oy;
    this.point[c] = other;
  }

  private quadrant(node: number, x: number, y: number): number {
    return (x > this.cx[node]! ? 1 : 0) + (y > this.cy[node]! ? 2 : 0);
  }

  private newNode(cx: number, cy: number, half: number): number {
    if (this.nodes === this.capacity) this.grow(2 * this.capacity);
    const id = this.nodes++;
    this.cx[id] = cx;
    this.cy[id] = cy;
    this.half[id] = half;
    this.mass[id] = 0;
    this.sumX[id] = 0;
    this.sumY[id] = 0;
    this.child[id] = -1;
    this.point[id] = -1;
    return id;
  }

  private grow(capacity: number): void {
    const memory = (bytes: number) => (this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const f64 = (a: Float64Array): Float64Array => { const b = new Float64Array(memory(8 * capacity)); b.set(a); return b; };
    const i32 = (a: Int32Array): Int32Array => { const b = new Int32Array(memory(4 * capacity)); b.set(a); return b; };
    this.cx = f64(this.cx);
    this.cy = f64(this.cy);
    this.half = f64(this.half);
    this.mass = f64(this.mass);
    this.sumX = f64(this.sumX);
    this.sumY = f64(this.sumY);
    this.child = i32(this.child);
    this.point = i32(this.point);
    this.capacity = capacity;
    this.generation++;
  }
}
