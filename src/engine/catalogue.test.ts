import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PERMISSION_INDEX,
  PERMISSION_KEYS,
  type PermissionKey,
  permissionIndex,
} from './catalogue.js';

test('permissionIndex gives every key its position in PERMISSION_KEYS', () => {
  for (const key of PERMISSION_KEYS) {
    assert.equal(permissionIndex(key), PERMISSION_INDEX[key], key);
    assert.equal(PERMISSION_KEYS[permissionIndex(key)], key);
  }
});

test('permissionIndex refuses a key that is not in the catalogue', () => {
  assert.throws(() => permissionIndex('calls.delete' as PermissionKey), RangeError);
});
