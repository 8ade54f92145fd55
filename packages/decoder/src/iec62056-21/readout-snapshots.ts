import type { MeterSnapshot } from '@smi/model';
import type { Result } from '../common';
import type { DataMessage } from './data-message';
import type { Identification } from './identification';
import { ReadoutInterpreter } from './interpreter';
import { BUILTIN_D0_PROFILES, mediumOfIdentification, type D0Profile } from './meter-profiles';
import { ReadingFactory } from './readings';
import { buildSnapshot, MeterInfoCache } from './snapshot';

/** An interpreter and meter-info cache of one medium. */
interface Stream {
  readonly interpreter: ReadoutInterpreter;
  readonly infos: MeterInfoCache;
}

/**
 * Snapshots of one stream's readouts, with this stream's own caches (no state shared between
 * decoders). Short codes take the OBIS value group A of `defaultMedium` when it is given, else the
 * medium the identification names (the caller's profiles, then meter-profiles.ts: a Siemens 2WR5 is
 * a heat meter), else 1
 * (electricity). One interpreter per medium met, so each keeps its previous block to compare with.
 */
export class ReadoutSnapshots {
  /** The stream of the first medium met, in place (a meter has one: a Map took ~200 bytes more). */
  private firstMedium = 0;
  private first: Stream | undefined;
  /** Streams of further media, made at the second one. */
  private others: Map<number, Stream> | undefined;

  /** The last identification and its medium (a meter repeats the same parsed object). */
  private last: { readonly id: Identification | undefined; readonly a: number } = { id: undefined, a: 1 };

  /** The caller's profiles first, then the built-in ones. */
  private readonly profiles: readonly D0Profile[];

  constructor(
    private readonly defaultMedium?: number,
    profiles: readonly D0Profile[] = [],
  ) {
    this.profiles = profiles.length > 0 ? [...profiles, ...BUILTIN_D0_PROFILES] : BUILTIN_D0_PROFILES;
  }

  build(identification: Identification | undefined, message: DataMessage): Result<MeterSnapshot> {
    let a = this.defaultMedium ?? (identification === this.last.id ? this.last.a : undefined);
    if (a === undefined) {
      a = (identification === undefined ? undefined : mediumOfIdentification(identification, this.profiles)) ?? 1;
      this.last = { id: identification, a };
    }
    let s = a === this.firstMedium ? this.first : this.others?.get(a);
    if (s === undefined) {
      s = { interpreter: new ReadoutInterpreter(new ReadingFactory(a)), infos: new MeterInfoCache() };
      if (this.first === undefined) {
        this.first = s;
        this.firstMedium = a;
      } else (this.others ??= new Map()).set(a, s);
    }
    return buildSnapshot(identification, message, s.interpreter, s.infos);
  }
}
