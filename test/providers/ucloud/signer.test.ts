import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { flattenParams, paramText, signedUcloudParams, signUcloud, sortedKeys } from '../../../src/providers/ucloud/signer.js';

// The documentation's key pair. Some copies of the page show the PublicKey `someone@...`; only this
// one reproduces the documented signatures.
const PUBLIC_KEY = 'ucloudsomeone@example.com1296235120854146120';
const PRIVATE_KEY = '46f09bb9fab4f12dfc160dae12273d5332b5debe';

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

describe('UCloud signature', () => {
  it('reproduces the documented DescribeUHostInstance vector', () => {
    const params = flattenParams({ Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: 10, PublicKey: PUBLIC_KEY });
    expect(signUcloud(params, PRIVATE_KEY)).toBe('cba5cf5ec4d4233d206b1b54951e3787350a642f');
  });

  it('reproduces the documented CreateUHostInstance vector', () => {
    const params = signedUcloudParams({
      action: 'CreateUHostInstance',
      publicKey: PUBLIC_KEY,
      privateKey: PRIVATE_KEY,
      params: {
        CPU: 2,
        ChargeType: 'Month',
        DiskSpace: 10,
        ImageId: 'f43736e1-65a5-4bea-ad2e-8a46e18883c2',
        LoginMode: 'Password',
        Memory: 2048,
        Name: 'Host01',
        Password: 'VUNsb3VkLmNu',
        Quantity: 1,
        Region: 'cn-bj2',
        Zone: 'cn-bj2-04',
      },
    });
    expect(params.Signature).toBe('4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65');
    expect(params.PublicKey).toBe(PUBLIC_KEY);
  });

  it('leaves an existing Signature out of what it signs', () => {
    const params = flattenParams({
      Action: 'DescribeUHostInstance',
      Region: 'cn-bj2',
      Limit: 10,
      PublicKey: PUBLIC_KEY,
      Signature: 'stale',
    });
    expect(signUcloud(params, PRIVATE_KEY)).toBe('cba5cf5ec4d4233d206b1b54951e3787350a642f');
  });

  it('signs a SecurityToken along with everything else', () => {
    const params = signedUcloudParams({ action: 'A', publicKey: 'pk', privateKey: 'sk', securityToken: 'tok', params: {} });
    expect(params.Signature).toBe(sha1('ActionAPublicKeypkSecurityTokentoksk'));
  });

  it('signs values as sent, without URL encoding', () => {
    const params = flattenParams({ Name: 'a b&c=d/é' });
    expect(signUcloud(params, 'sk')).toBe(sha1('Namea b&c=d/ésk'));
  });
});

describe('UCloud parameter flattening', () => {
  it('flattens arrays 0-based and nested objects with dots, skipping nulls', () => {
    expect({
      ...flattenParams({
        UHostIds: ['uhost-a', 'uhost-b'],
        Disks: [
          { IsBoot: true, Size: 20, Type: 'CLOUD_SSD' },
          { IsBoot: false, Size: 100.0 },
        ],
        Tag: null,
        Remark: undefined,
      }),
    }).toEqual({
      'UHostIds.0': 'uhost-a',
      'UHostIds.1': 'uhost-b',
      'Disks.0.IsBoot': 'true',
      'Disks.0.Size': '20',
      'Disks.0.Type': 'CLOUD_SSD',
      'Disks.1.IsBoot': 'false',
      'Disks.1.Size': '100',
    });
  });

  it('signs flattened keys in sorted order: Disks.0.IsBoot before Disks.0.Size before Disks.1.IsBoot', () => {
    const params = flattenParams({ Disks: [{ Size: 20, IsBoot: true }, { IsBoot: false }] });
    expect(signUcloud(params, 'sk')).toBe(sha1('Disks.0.IsBoottrueDisks.0.Size20Disks.1.IsBootfalsesk'));
  });

  it.each([
    [42.0, '42'],
    [2.5, '2.5'],
    [0.1, '0.1'],
    [-0, '0'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e-8, '-0.000000025'],
    [true, 'true'],
    [false, 'false'],
  ] as const)('writes %j as %s', (value, text) => {
    expect(paramText(value)).toBe(text);
  });

  it('refuses a number that has no decimal form', () => {
    expect(() => paramText(Number.NaN)).toThrow(/NaN/);
    expect(() => paramText(Infinity)).toThrow(/Infinity/);
  });

  it('sorts keys by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF5E (EF BD 9E) sorts before U+1F600 (F0 9F 98 80) by bytes, after it by UTF-16 units.
    expect(sortedKeys({ '😀': '1', '～': '2', Z: '3', a: '4' })).toEqual(['Z', 'a', '～', '😀']);
  });

  it('keeps a parameter named __proto__ as a parameter', () => {
    expect(Object.keys(flattenParams(JSON.parse('{"__proto__": "x", "A": "1"}') as Record<string, string>))).toEqual(['__proto__', 'A']);
  });
});
