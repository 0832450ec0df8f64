/** Who may send an action's request: the charging station, the CSMS, or either (DataTransfer). */
export type Sender = 'station' | 'csms' | 'both'

/** The party that receives a request from this sender; `both` reaches either. */
export function mayReceive(sender: Sender, receiver: 'csms' | 'station'): boolean {
  return sender === 'both' || sender !== receiver
}
