// The examples: the repository's own files, read at build time.
import caucasus from '../../rules/caucasus.rules?raw';
import theory from '../../rules/alliance_theory.rules?raw';
import quickstart from '../../rules/examples/quickstart.rules?raw';
import atop from '../examples/atop_shaped.rules?raw';
import atopRows from '../examples/atop_invented.csv?raw';
import stateRows from '../examples/states_invented.csv?raw';

export const examples = [
  {
    title: 'The South Caucasus (Weitz 2012), with alliance theory',
    main: 'caucasus.rules',
    files: { 'caucasus.rules': caucasus, 'alliance_theory.rules': theory },
    goal: 'defends(Who, azerbaijan)',
    network: 'supports rivals',
    whatIf: '- membership(armenia, csto)',
  },
  {
    title: 'ATOP-shaped data (invented states and rows)',
    main: 'atop_shaped.rules',
    files: { 'atop_shaped.rules': atop, 'atop_invented.csv': atopRows, 'states_invented.csv': stateRows },
    goal: 'defence_partner(S, T)',
    network: 'defence_partner',
  },
  {
    title: 'Quickstart',
    main: 'quickstart.rules',
    files: { 'quickstart.rules': quickstart },
  },
];
