import { Option, type Command } from 'commander';
import type { DetectCliOptions } from './detect-run';

/** Adds `detect` to the program. */
export function registerDetect(program: Command, out: (line: string) => void, err: (line: string) => void): void {
  program
    .command('detect')
    .description(
      'find out which protocol and line setting a meter on a serial port (or TCP bridge) uses, or (--modbus) which Modbus units answer and which models they are, and print a working configuration',
    )
    .option('--port <path>', 'serial port (optical head, P1 cable, RS-485 adapter)')
    .option('--tcp <host:port>', 'TCP serial bridge instead of a serial port')
    .option('--listen <seconds>', 'how long to listen at each line setting', '12')
    .option(
      '--line <setting>',
      "try only this line setting, e.g. '9600 8N1' (repeatable; default: the built-in order)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--no-ask', 'never send the IEC 62056-21 request /?!')
    .option('--address <address>', 'IEC 62056-21 device address for /?address!', '')
    .option('--wake-up', 'send the NUL wake-up train before /?! (battery meters)', false)
    .option('--max-baud <baud>', 'highest IEC 62056-21 baud rate to switch to', '9600')
    .option('--key <hex>', 'decryption key (encrypted DLMS / P1), to confirm an encrypted meter')
    .option('--auth-key <hex>', 'authentication key (DLMS)')
    .option('--name <name>', 'meter name in the printed configuration', 'meter1')
    .option('--modbus', 'look for Modbus meters: ask each unit id, identify the model from its registers', false)
    .option('--units <ids>', "Modbus unit ids to ask, e.g. '1-247' or '1,2,5'", '1-10')
    .option(
      '--profile <file>',
      'Modbus: a JSON profile file to recognise besides the built-ins (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .addOption(
      new Option('--framing <framing>', 'Modbus over --tcp: tcp (Modbus TCP) or rtu (transparent RS-485 bridge)').choices(['tcp', 'rtu']).default('tcp'),
    )
    .option('--answer-ms <ms>', 'Modbus: time a unit gets to answer, on top of the transfer time (default 250 on a serial port, 1000 over TCP)')
    .option('-v, --verbose', 'log every request and baud switch', false)
    .action(async (o: DetectCliOptions) => {
      // Loaded only for this command: serial ports, sessions and probes are not needed elsewhere.
      const { runDetect } = await import('./detect-run');
      process.exitCode = await runDetect(o, (text) => out(text.replace(/\n$/, '')), err);
    });
}
