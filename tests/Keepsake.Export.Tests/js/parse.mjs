// Reads an iCalendar (RFC 5545) or vCard (RFC 6350) file with ical.js and prints it as jCal/jCard
// JSON: a list of components, each [name, [[property, {parameters}, type, value...]...], [subcomponents]].
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';

const parsed = ICAL.parse(readFileSync(process.argv[2], 'utf8'));
const components = typeof parsed[0] === 'string' ? [parsed] : parsed;
process.stdout.write(JSON.stringify(components));
