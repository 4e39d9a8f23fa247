/** Table `authresp`: the replay cache of assertion IDs already accepted. */
export interface AssertionReplayStore {
  /**
   * Claims an assertion id for `ttlSeconds` (whole seconds, >= 1). True for the first claim; false
   * while a claim is live, also when several app instances race (spar's count-then-insert could
   * accept one assertion twice; this is one conditional insert).
   */
  claim(assertionId: string, ttlSeconds: number): Promise<boolean>;
}
