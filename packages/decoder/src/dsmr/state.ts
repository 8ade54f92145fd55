import type { MeterInfo } from '@smi/model';
import { ByteMemo } from '../common/byte-memo';
import { newGroups, type Groups, type HeaderInfo } from './line-scanner';
import { ObisTable } from './obis-ref';
import { TemplateState } from './reading-templates';
import type { HexText } from './text-values';

/**
 * Everything a DSMR decoder remembers between telegrams (issue 13): memos of what a meter repeats
 * in every telegram and the scratch space of one decode. Each stream decoder (and each
 * `createDsmrTelegramDecoder`) owns one; nothing mutable is shared between decoders, so two meters
 * decoded in one process never see each other's state. Module-level tables left in the DSMR folder
 * are constants.
 */
export class DsmrState {
  /** OBIS codes met, by text and by value. */
  readonly obis = new ObisTable();
  /** Reading templates' key slots and buffer units. */
  readonly templates = new TemplateState();
  /** Identification lines read (only valid ones). */
  readonly headers = new ByteMemo<HeaderInfo>(64);
  /** Hex ids and texts read. */
  readonly hexTexts = new ByteMemo<HexText>(128);
  /** Brackets of the object being scanned. */
  readonly groups: Groups = newGroups();
  /** Brackets of a channel object read again at the end of the telegram. */
  readonly channelGroups: Groups = newGroups();
  /** The meter info of the last telegram: reused while nothing in it changes (one object less). */
  lastMeter: MeterInfo | undefined;

  /** Between telegrams: drops the OBIS memo (and the key slots tied to it) once it is full. */
  trim(): void {
    if (this.obis.trim()) this.templates.clear();
  }
}
