import { homieId, topicId } from './ids';

describe('platform ids', () => {
  it('keeps HA topic ids to [a-zA-Z0-9_-]', () => {
    expect(topicId('1ESY1161234567')).toBe('1ESY1161234567');
    expect(topicId('1-0:1.8.0 x')).toBe('1-0_1_8_0_x');
    expect(topicId('...')).toBe('unknown');
    expect(topicId('')).toBe('unknown');
    expect(topicId('_')).toBe('unknown');
    expect(topicId('_a_b_')).toBe('a_b');
    expect(topicId(' a ')).toBe('a');
    expect(topicId('a\n')).toBe('a');
    expect(topicId('-a-')).toBe('-a-');
    expect(topicId('x')).toBe('x');
    expect(topicId('load_17')).toBe('load_17');
    expect(topicId('Zähler 1')).toBe('Z_hler_1');
  });
  it('makes Homie ids lower-case with inner hyphens only', () => {
    expect(homieId('1ESY1161234567')).toBe('1esy1161234567');
    expect(homieId('-A_B.c-')).toBe('a-b-c');
  });
});
