/** "1 scene" / "3 scenes": a number with the word that agrees with it. Pure, so islands use it too. */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
