/**
 * Grows a row-major Float64Array one row at a time, with an optional raw label per row, so that an importer
 * never keeps the file's text rows: memory is proportional to the numbers, not to the text.
 */
export class MatrixBuilder {
  #data: Float64Array; // (capacity, d)
  #labelIds: Int32Array | null; // (capacity,) index into labelValues
  #capacity: number;
  #rows = 0;
  readonly #labelIndex = new Map<string, number>();
  /** Distinct raw label strings in order of first appearance. */
  readonly labelValues: string[] = [];

  /**
   * @param d features per row
   * @param labeled whether rows carry a label
   * @param expectedRows a capacity hint (e.g. estimated from the file size); the builder grows past it
   */
  constructor(
    readonly d: number,
    readonly labeled: boolean,
    expectedRows = 1024,
  ) {
    this.#capacity = Math.max(16, Math.ceil(expectedRows));
    this.#data = new Float64Array(this.#capacity * d);
    this.#labelIds = labeled ? new Int32Array(this.#capacity) : null;
  }

  get nRows(): number {
    return this.#rows;
  }

  /**
   * The slot for the next row (length d), to be filled and then kept with {@link commit}; a row that is not
   * committed is overwritten by the next one. The view is invalid after the next call to `nextRow`.
   */
  nextRow(): Float64Array {
    if (this.#rows === this.#capacity) this.#grow();
    const start = this.#rows * this.d;
    return this.#data.subarray(start, start + this.d);
  }

  /** Keeps the row filled through {@link nextRow}, with its raw label (ignored for unlabeled data). */
  commit(label?: string): void {
    if (this.#rows === this.#capacity) this.#grow();
    if (this.#labelIds) {
      const raw = label ?? '';
      let id = this.#labelIndex.get(raw);
      if (id === undefined) {
        id = this.labelValues.length;
        this.#labelIndex.set(raw, id);
        this.labelValues.push(raw);
      }
      this.#labelIds[this.#rows] = id;
    }
    this.#rows++;
  }

  #grow(): void {
    const capacity = Math.max(16, Math.ceil(this.#capacity * 1.5));
    const data = new Float64Array(capacity * this.d);
    data.set(this.#data.subarray(0, this.#rows * this.d));
    this.#data = data;
    if (this.#labelIds) {
      const ids = new Int32Array(capacity);
      ids.set(this.#labelIds.subarray(0, this.#rows));
      this.#labelIds = ids;
    }
    this.#capacity = capacity;
  }

  /**
   * The rows so far: features (nRows, d) and label ids into `labelValues`. When the capacity is within 25 % of
   * the rows (a good size hint) the arrays are views on the builder's buffers, so no copy doubles the peak memory;
   * otherwise they are trimmed copies.
   */
  build(): { features: Float64Array; labelIds: Int32Array | null; labelValues: string[]; nRows: number } {
    const n = this.#rows;
    const fits = this.#capacity <= Math.max(16, n * 1.25);
    const trim = <T extends Float64Array | Int32Array>(a: T, len: number): T =>
      (a.length === len ? a : fits ? a.subarray(0, len) : a.slice(0, len)) as T;
    return {
      features: trim(this.#data, n * this.d),
      labelIds: this.#labelIds ? trim(this.#labelIds, n) : null,
      labelValues: this.labelValues,
      nRows: n,
    };
  }
}
