import { createPrng } from '@tributary/util';
import fc from 'fast-check';
import { projectOf, resolveSeed, seedReport, seededProperty, withSeed } from './seed';

describe('resolveSeed', () => {
  it('takes SEED from the environment, or draws a 31-bit one', () => {
    expect(resolveSeed({ SEED: ' 42 ' })).toBe(42);
    expect(resolveSeed({ SEED: '-7' })).toBe(-7);
    const drawn = resolveSeed({});
    expect(Number.isInteger(drawn) && drawn >= 0 && drawn < 2 ** 31).toBe(true);
  });

  it('refuses a malformed SEED rather than silently using a random one', () => {
    expect(() => resolveSeed({ SEED: 'abc' })).toThrow("SEED must be an integer with |SEED| < 2^31, got 'abc'");
    expect(() => resolveSeed({ SEED: '4294967296' })).toThrow(/got '4294967296'/);
  });
});

describe('seedReport', () => {
  it('prints SEED=<n> and an Nx command that replays the one test, skipping the cache', () => {
    expect(seedReport(7, { project: 'storage', testName: "log it's (1+1)" })).toBe(
      "SEED=7\nReplay with: SEED=7 npx nx test storage --skip-nx-cache --testNamePattern='^log it'\\''s \\(1\\+1\\)$'",
    );
    expect(seedReport(7, {})).toBe('SEED=7\nReplay with: SEED=7 npx nx test <project> --skip-nx-cache');
  });

  it('finds the project of a file from the nearest project.json', () => {
    expect(projectOf(__filename)).toBe('testing');
    expect(projectOf('/')).toBeUndefined();
  });
});

describe('withSeed', () => {
  let errors: jest.SpyInstance;
  const seedEnv = process.env['SEED'];
  beforeEach(() => {
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    process.env['SEED'] = '1234';
  });
  afterEach(() => {
    errors.mockRestore();
    if (seedEnv === undefined) delete process.env['SEED'];
    else process.env['SEED'] = seedEnv;
  });

  it('hands the body the seed and a PRNG made from it', () => {
    const draws = withSeed((seed, prng) => [seed, prng.next()]);
    expect(draws).toEqual([1234, createPrng(1234).next()]);
    expect(errors).not.toHaveBeenCalled();
  });

  it('appends the seed and the replay command to a failure, and prints them', () => {
    let caught: Error | undefined;
    try {
      withSeed(() => {
        throw new Error('invariant broken');
      });
    } catch (error) {
      caught = error as Error;
    }
    expect(caught?.message).toBe(
      "invariant broken\n\nSEED=1234\nReplay with: SEED=1234 npx nx test testing --skip-nx-cache --testNamePattern='^withSeed appends the seed and the replay command to a failure, and prints them$'",
    );
    expect(caught?.stack).toContain('SEED=1234');
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('SEED=1234'));
  });

  it('reports async failures too', async () => {
    await expect(withSeed(async () => Promise.reject(new Error('late')))).rejects.toThrow(/^late\n\nSEED=1234\n/);
  });
});

describe('seededProperty', () => {
  let errors: jest.SpyInstance;
  beforeEach(() => {
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => errors.mockRestore());

  it('runs a passing property quietly', () => {
    seededProperty(fc.property(fc.integer(), (n) => n + 0 === n));
    expect(errors).not.toHaveBeenCalled();
  });

  it('reports the seed of a failure, and the same seed finds the same counterexample', () => {
    const failing = fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => n < 1000);
    const run = (seed: number): string => {
      try {
        seededProperty(failing, { seed });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a failure');
    };
    const first = run(99);
    expect(first).toContain('SEED=99\nReplay with: SEED=99 npx nx test testing');
    expect(first).toMatch(/Counterexample: \[1000\]/);
    expect(run(99)).toBe(first);
  });

  it('supports async properties', async () => {
    await expect(seededProperty(fc.asyncProperty(fc.integer({ min: 1, max: 1 }), async (n) => n === 2), { seed: 5 })).rejects.toThrow(/SEED=5/);
    await expect(seededProperty(fc.asyncProperty(fc.nat(), async (n) => n >= 0))).resolves.toBeUndefined();
  });
});
