/**
 * A stored document. After a restart most documents are still the raw BSON bytes of the
 * snapshot (one shared buffer, invisible to the garbage collector) and are decoded only when
 * a query first touches them: that is what makes a million documents load in seconds.
 */
import { calculateObjectSize, deserialize } from 'bson';
import type { Doc } from '../query/bson-order.js';
import { rawObjectIdHex, readTopLevelFields } from './raw-bson.js';

const DECODE = { allowObjectSmallerThanBufferSize: true } as const;

export class StoredRecord {
  private decoded: Doc | undefined;
  // The encoded form, kept as two fields rather than an object: one less allocation per document.
  private rawBuffer: Buffer | undefined;
  private rawOffset = 0;
  /** The record's position in the snapshot being written (how the index order is recorded). */
  snapshotPosition = 0;
  /** Which snapshot last wrote this record (see SnapshotGuard). */
  snapshotEpoch = 0;

  constructor(
    /** Stable record id: tie-breaker inside index trees. */
    readonly rid: number,
    doc: Doc | undefined,
  ) {
    this.decoded = doc;
  }

  /** A record whose document is the encoded bytes at `offset` of `buffer` (a loaded snapshot). */
  static encoded(rid: number, buffer: Buffer, offset: number): StoredRecord {
    const rec = new StoredRecord(rid, undefined);
    rec.rawBuffer = buffer;
    rec.rawOffset = offset;
    return rec;
  }

  /** The current version. Never mutated in place: updates assign a new object. */
  get doc(): Doc {
    if (this.decoded === undefined) {
      this.decoded = deserialize(this.rawBuffer as Buffer, { ...DECODE, index: this.rawOffset });
      this.rawBuffer = undefined;
    }
    return this.decoded;
  }

  /**
   * The document for a look that keeps nothing: a still-encoded record is decoded for this call
   * only. A collection scan tests every document; keeping them all decoded would multiply the
   * memory a million cards take.
   */
  peek(): Doc {
    return this.decoded ?? (deserialize(this.rawBuffer as Buffer, { ...DECODE, index: this.rawOffset }) as Doc);
  }

  set doc(doc: Doc) {
    this.decoded = doc;
    this.rawBuffer = undefined;
  }

  /** Just the named top-level fields (enough to compute index keys) without decoding the rest. */
  fields(names: readonly string[]): Doc {
    if (this.rawBuffer === undefined) return this.doc;
    return readTopLevelFields(this.rawBuffer, this.rawOffset, names);
  }

  /** The id-map key read from the bytes when `_id` is an ObjectId (the common case). */
  rawIdHex(): string | undefined {
    return this.rawBuffer === undefined ? undefined : rawObjectIdHex(this.rawBuffer, this.rawOffset);
  }

  /**
   * Takes `buffer[offset…]` (the encoding of `doc`, just written to a snapshot) as this record's
   * form, if the record still holds `doc`: the decoded objects can then be collected.
   */
  adoptEncoded(doc: Doc, buffer: Buffer, offset: number): void {
    if (this.decoded !== doc) return;
    this.decoded = undefined;
    this.rawBuffer = buffer;
    this.rawOffset = offset;
  }

  /** Encoded size in bytes, without decoding a document that is still encoded. */
  get encodedSize(): number {
    return this.rawBuffer === undefined ? calculateObjectSize(this.decoded as Doc) : this.rawBuffer.readInt32LE(this.rawOffset);
  }

  /**
   * Appends what a snapshot must write for this record as of now: the encoded bytes' buffer and
   * offset when still encoded (copied as they are), else the document. No allocation per record.
   */
  captureInto(sources: Array<Doc | Buffer>, offsets: number[]): void {
    sources.push(this.rawBuffer ?? (this.decoded as Doc));
    offsets.push(this.rawOffset);
  }
}
