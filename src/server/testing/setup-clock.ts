/** Vitest setup file of the unit and API projects: tests run on the fixed clock (fixed-clock.ts). */
import { installFixedClock, TEST_NOW } from './fixed-clock.js';

installFixedClock(TEST_NOW);
