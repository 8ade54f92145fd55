import { latin1Bytes } from '../common/testing';
import { MAX_GROUPS, newGroups, regroup } from './line-scanner';

describe('regroup: the brackets of an object read again (M-Bus channel objects)', () => {
  it('finds every bracket beyond the first room for them, across continuation lines', () => {
    // 40 brackets, a line break after the 20th (DSMR 2.2/3.0 continuation)
    const parts = Array.from({ length: 40 }, (_, i) => `(${i}*m3)`);
    const text = `0-1:24.3.0${parts.slice(0, 20).join('')}\r\n${parts.slice(20).join('')}\r\n`;
    const b = latin1Bytes(text);
    const open = text.indexOf('(');
    const groups = newGroups();
    regroup(b, open, b.length, groups);
    expect(groups.count).toBe(40);
    const content = (i: number): string => text.slice(groups.starts[i], groups.ends[i]);
    expect([content(0), content(19), content(20), content(39)]).toEqual(['0*m3', '19*m3', '20*m3', '39*m3']);
    expect(text[groups.stars[39] as number]).toBe('*');
    // the three arrays share one buffer: every bracket keeps its own start, end and star
    for (let i = 0; i < 40; i++) {
      expect(content(i)).toBe(`${i}*m3`);
      expect(groups.stars[i]).toBe((groups.ends[i] as number) - 3);
    }
  });

  it('stops at MAX_GROUPS brackets', () => {
    const text = `0-1:24.3.0${'(1)'.repeat(MAX_GROUPS + 5)}\r\n`;
    const b = latin1Bytes(text);
    const groups = newGroups();
    regroup(b, text.indexOf('('), b.length, groups);
    expect(groups.count).toBe(MAX_GROUPS);
    expect(groups.starts).toHaveLength(MAX_GROUPS);
  });
});
