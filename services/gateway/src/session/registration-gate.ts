/**
 * What a station whose BootNotification was answered Pending or Rejected may still send
 * (OCPP 2.0.1 B02.FR.09, B03.FR.07; 2.1 alike): while Rejected, only BootNotification; while
 * Pending, also what the CSMS asked for through TriggerMessage, GetBaseReport or GetReport. Any
 * other CALL is answered CALLERROR SecurityError. While Rejected the CSMS sends the station
 * nothing (B03.FR.03): its CALLs are refused to their requester. The gateway sees the BootNotification answer
 * pass, so it keeps this per socket; a new socket starts open (the station has not booted on it,
 * and device-management answers what it sends by the stored registration).
 */
export class RegistrationGate {
  private readonly asked = new Set<string>()

  constructor(private readonly status: 'Pending' | 'Rejected') {}

  /** The gate a BootNotification answer sets up; undefined once the station is Accepted. */
  static after(bootAnswer: unknown): RegistrationGate | undefined {
    const status = (bootAnswer as { status?: unknown } | null)?.status
    return status === 'Pending' || status === 'Rejected' ? new RegistrationGate(status) : undefined
  }

  /** A CSMS CALL on its way to the station: what it asks for may come back while Pending. */
  csmsCalled(action: string, payload: unknown): void {
    if (action === 'GetBaseReport' || action === 'GetReport') this.asked.add('NotifyReport')
    if (action === 'TriggerMessage') {
      const requested = (payload as { requestedMessage?: unknown } | null)?.requestedMessage
      const triggered = typeof requested === 'string' ? TRIGGERED[requested] : undefined
      if (triggered) this.asked.add(triggered)
    }
  }

  /** Whether the station may send this CALL now. */
  admits(action: string): boolean {
    if (action === 'BootNotification') return true
    return this.status === 'Pending' && this.asked.has(action)
  }

  /** Whether the CSMS may send the station a CALL now. */
  get csmsMayCall(): boolean {
    return this.status !== 'Rejected'
  }

  describe(action: string): string {
    return this.status === 'Rejected'
      ? `${action} refused: the station's BootNotification was Rejected; only BootNotification may be sent`
      : `${action} refused: the station is Pending and the CSMS did not ask for it (TriggerMessage, GetBaseReport, GetReport)`
  }
}

/** TriggerMessage's requestedMessage (2.0.1 MessageTriggerEnumType, 2.1 additions) → the CALL it makes. */
const TRIGGERED: Record<string, string> = {
  BootNotification: 'BootNotification',
  LogStatusNotification: 'LogStatusNotification',
  FirmwareStatusNotification: 'FirmwareStatusNotification',
  Heartbeat: 'Heartbeat',
  MeterValues: 'MeterValues',
  SignChargingStationCertificate: 'SignCertificate',
  SignV2GCertificate: 'SignCertificate',
  SignV2G20Certificate: 'SignCertificate',
  SignCombinedCertificate: 'SignCertificate',
  StatusNotification: 'StatusNotification',
  TransactionEvent: 'TransactionEvent',
  PublishFirmwareStatusNotification: 'PublishFirmwareStatusNotification',
}
