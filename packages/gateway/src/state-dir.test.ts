import { resolveStateDir } from './state-dir';

describe('resolveStateDir', () => {
  const home = '/home/ann';
  it('prefers the configured folder, then SMI_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(resolveStateDir('/srv/smi', { SMI_STATE_DIR: '/x', XDG_STATE_HOME: '/y' }, home)).toBe('/srv/smi');
    expect(resolveStateDir(undefined, { SMI_STATE_DIR: '/x', XDG_STATE_HOME: '/y' }, home)).toBe('/x');
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: '/y' }, home)).toBe('/y/smart-meter-interop');
    expect(resolveStateDir(undefined, {}, home)).toBe('/home/ann/.local/state/smart-meter-interop');
  });
  it('ignores empty variables and a relative XDG_STATE_HOME (the XDG spec says to)', () => {
    expect(resolveStateDir(undefined, { SMI_STATE_DIR: '', XDG_STATE_HOME: 'rel/state' }, home)).toBe('/home/ann/.local/state/smart-meter-interop');
  });
});
