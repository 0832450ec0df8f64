/** What an EVSE's meter shows at an instant: registers only ever grow, power is signed. */
export type MeterReading = {
  /** Energy.Active.Import.Register, Wh. */
  importWh: number
  /** Energy.Active.Export.Register, Wh (V2G discharge). */
  exportWh: number
  /** Power now: positive while charging, negative while discharging. */
  powerW: number
  at: number
}

/**
 * An EVSE's energy meter. Power is piecewise constant: every change of the allowed power goes
 * through `setPower`, which first books the energy of the previous stretch, so the registers
 * are exactly the integral of the power the station reported.
 */
export class EnergyMeter {
  private importWh: number
  private exportWh = 0
  private powerW = 0
  private since: number

  constructor(startImportWh: number, at: number) {
    this.importWh = startImportWh
    this.since = at
  }

  read(at: number): MeterReading {
    this.advance(at)
    return { importWh: this.importWh, exportWh: this.exportWh, powerW: this.powerW, at: this.since }
  }

  setPower(powerW: number, at: number): MeterReading {
    this.advance(at)
    this.powerW = powerW
    return this.read(at)
  }

  private advance(at: number): void {
    if (at <= this.since) return
    const wh = (this.powerW * (at - this.since)) / 3_600_000
    if (wh >= 0) this.importWh += wh
    else this.exportWh -= wh
    this.since = at
  }
}
