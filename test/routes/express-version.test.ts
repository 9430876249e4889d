/** Proves which Express the suite runs on: the "express 4" project really maps `express` to 4.x. */
import express from 'express';

declare const EXPECTED_EXPRESS_MAJOR: number;

it('runs on the Express major version its project names', () => {
  // express.query() was removed in Express 5.
  const major = typeof (express as unknown as { query?: unknown }).query === 'function' ? 4 : 5;
  expect(major).toBe(EXPECTED_EXPRESS_MAJOR);
});
