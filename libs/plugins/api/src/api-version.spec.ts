import { PLUGIN_API_VERSION, checkApiCompatibility, parseApiVersion } from './api-version';

describe('plugin API versions', () => {
  it('is 1.0.0', () => {
    expect(PLUGIN_API_VERSION).toBe('1.0.0');
  });

  it('parses MAJOR.MINOR.PATCH with an optional suffix', () => {
    expect(parseApiVersion('1.2.3')).toEqual({ major: 1, minor: 2, patch: 3 });
    expect(parseApiVersion('1.2.3-beta.1')).toEqual({ major: 1, minor: 2, patch: 3 });
    expect(parseApiVersion('1.2')).toBeNull();
    expect(parseApiVersion('01.2.3')).toBeNull();
    expect(parseApiVersion(undefined as unknown as string)).toBeNull();
  });

  it('accepts the same major with an older or equal minor, any patch', () => {
    expect(checkApiCompatibility('1.0.0', '1.0.0').compatible).toBe(true);
    expect(checkApiCompatibility('1.0.9', '1.0.0').compatible).toBe(true);
    expect(checkApiCompatibility('1.1.0', '1.3.2').compatible).toBe(true);
  });

  it('rejects another major or a newer minor with a reason', () => {
    const major = checkApiCompatibility('2.0.0', '1.0.0');
    expect(major).toEqual({ compatible: false, reason: expect.stringMatching(/major versions must match/) });
    const minor = checkApiCompatibility('1.1.0', '1.0.0');
    expect(minor).toEqual({ compatible: false, reason: expect.stringMatching(/newer than the 1\.0\.0/) });
    expect(checkApiCompatibility('one', '1.0.0')).toEqual({ compatible: false, reason: expect.stringMatching(/not MAJOR\.MINOR\.PATCH/) });
  });
});
