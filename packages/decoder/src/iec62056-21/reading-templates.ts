import type { ObisCode, Reading } from '@smi/model';
import { parseDecimalText } from '../common/decimal-text';
import { convertWithTemplate, fillReading, readingTemplate, type ReadingTemplate } from '../common/reading-template';
import { splitUnit } from './values';

const TEMPLATE_LIMIT = 4096;

/** The templates of one code: the first unit text met, and the others. */
interface CodeTemplates {
  readonly unitText: string;
  readonly template: ReadingTemplate;
  more: Map<string, ReadingTemplate> | undefined;
}

/**
 * Reading templates (common/reading-template.ts) for D0 data sets `code(value*unit)`, kept by
 * code, then by unit text (`''`: no unit), so a data set only needs its number parsed and
 * converted. One instance per reading factory (no state shared between decoders); bounded.
 */
export class ReadingTemplates {
  /**
   * Per code its first unit's template in place, other units in a Map made at the second one: a
   * code is nearly always sent in one unit, and a Map per code took ~280 bytes (issue 12).
   */
  private readonly byCode = new Map<ObisCode, CodeTemplates>();
  private count = 0;

  /** The template of a code with the unit text `unitText` (`''`: none). */
  template(obis: ObisCode, unitText: string): ReadingTemplate {
    let entry = this.byCode.get(obis);
    if (entry !== undefined) {
      if (entry.unitText === unitText) return entry.template;
      const known = entry.more?.get(unitText);
      if (known !== undefined) return known;
    }
    if (this.count >= TEMPLATE_LIMIT) {
      this.byCode.clear();
      this.count = 0;
      entry = undefined;
    }
    const t = readingTemplate(obis, unitText);
    if (entry === undefined) this.byCode.set(obis, { unitText, template: t, more: undefined });
    else (entry.more ??= new Map()).set(unitText, t);
    this.count++;
    return t;
  }

  /**
   * The reading of an OBIS data set with one value and no `&` sub-values, equal to what
   * `ReadingFactory.reading` builds through `interpretValues` and `buildReading` (see the
   * equivalence test). Undefined when the value has another shape. Numbers are the nearest double
   * of the text, converted by `convertValue` as buildReading does (not shifted by digits: the two
   * differ beyond 15 significant digits).
   */
  simpleReading(obis: ObisCode, numeric: boolean, raw: string): Reading | undefined {
    if (raw.includes('&')) return undefined;
    const [text, unitText] = splitUnit(raw);
    if (text !== '' && (unitText !== '' || numeric)) {
      const n = parseDecimalText(text);
      if (n !== undefined) {
        const t = this.template(obis, unitText);
        return fillReading(t, t.key, t.unit === undefined ? n : convertWithTemplate(t, n), undefined, undefined, raw);
      }
    }
    const t = this.template(obis, '');
    const value = text === '' ? null : unitText === '' ? text : raw.trim();
    return fillReading(t, t.key, value, undefined, undefined, raw);
  }
}
