/**
 * Storage for the bytes framers keep between pushes (DSMR, SML, D0). A gateway reads up to 1,000
 * meters, each with its own framer, and between frames a framer holds nothing: it takes a region
 * when bytes must wait for more and lets it go when they are consumed. Regions are carved from
 * blocks shared by every framer of the process, as node's Buffer pool does, only larger: a new
 * ArrayBuffer per frame cost about a microsecond, measurable against a telegram's decode.
 *
 * Carve-only: a region belongs to the framer that took it and is never handed out again, so frames
 * handed out as views of it stay intact and framers never see each other's bytes written. A view
 * keeps its whole block alive, as with node's pool. Blocks are zeroed, so no byte of earlier memory
 * is ever readable through them.
 */
const BLOCK_BYTES = 32 * 1024;
/** Regions larger than this get memory of their own. */
const MAX_SHARED_REGION = 4 * 1024;

const EMPTY_BUFFER = Buffer.alloc(0);

export class FramerArena {
  /** The memory of the region `carve` made last, as a Buffer (memchr `indexOf`)… */
  buffer: Buffer = EMPTY_BUFFER;
  /** …and as a plain Uint8Array over the same bytes. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Index of that region's first byte in `buffer` and `bytes`. */
  at = 0;
  private block: Buffer = EMPTY_BUFFER;
  private blockBytes: Uint8Array = this.bytes;
  private used = 0;

  /** Makes a region of `size` bytes: `buffer`/`bytes` from `at` to `at + size`. */
  carve(size: number): void {
    if (size > MAX_SHARED_REGION) {
      this.buffer = Buffer.alloc(size);
      this.bytes = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, size);
      this.at = 0;
      return;
    }
    if (this.used + size > this.block.length) {
      this.block = Buffer.alloc(BLOCK_BYTES);
      this.blockBytes = new Uint8Array(this.block.buffer, this.block.byteOffset, BLOCK_BYTES);
      this.used = 0;
    }
    this.buffer = this.block;
    this.bytes = this.blockBytes;
    this.at = this.used;
    this.used += size;
  }
}

/** The one arena of the process, shared by the framers of every protocol. */
export const framerArena = new FramerArena();
