import type { NetworkSummary, PruneReply } from "@tsc/api";
import type { Command } from "commander";
import { confirmPrune, printPruned } from "../common/confirm.js";
import { shortId } from "../common/human.js";
import { ExitError } from "../common/run-cli.js";
import { formatRows } from "../common/table.js";
import { inspectRefs } from "./inspect.js";
import type { VolumeRow } from "./volume-filters.js";
import { filterVolumes } from "./volume-filters.js";
import type { Ctl } from "./shared.js";
import { collect, daemonError, forEachRef, formatOption } from "./shared.js";

function labels(list: string[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((l) => [l.split("=")[0]!, l.split("=").slice(1).join("=")]));
}

/** `network create|ls|inspect|rm|connect|disconnect|prune`. */
export function networkCommands(program: Command, ctl: Ctl): void {
  const net = program.command("network").description("Manage networks");
  net
    .command("create")
    .description("Create a network")
    .option("-d, --driver <driver>", "driver to manage the network", "bridge")
    .option("--subnet <cidr>", "subnet in CIDR format")
    .option("--gateway <ip>", "IPv4 gateway for the subnet")
    .option("--internal", "restrict external access to the network")
    .option("--label <k=v>", "set metadata on a network", collect)
    .argument("<name>")
    .action(
      async (
        name: string,
        o: { driver: string; subnet?: string; gateway?: string; internal?: boolean; label?: string[] },
      ) => {
        const c = await ctl.client();
        const r = await c
          .call<{ id: string }>("Networks", "create", {
            name,
            driver: o.driver,
            subnet: o.subnet ?? "",
            gateway: o.gateway ?? "",
            internal: !!o.internal,
            labels: labels(o.label),
          })
          .catch((e: unknown) => {
            throw new ExitError(1, daemonError(e));
          });
        process.stdout.write(`${r.id}\n`);
      },
    );
  net
    .command("ls")
    .alias("list")
    .description("List networks")
    .option("-q, --quiet", "only display network IDs")
    .option("--no-trunc", "do not truncate the output")
    .option("-f, --filter <filter>", "provide filter values (e.g. 'name=my_network')", collect)
    .option("--format <format>", "format output using a custom template, 'table' or 'json'")
    .action(async (o: { quiet?: boolean; trunc: boolean; filter?: string[]; format?: string }) => {
      const c = await ctl.client();
      const r = await c.call<{ networks: NetworkSummary[] }>("Networks", "list", { filters: [] });
      const rows = r.networks.filter((n) =>
        (o.filter ?? []).every((f) =>
          f.startsWith("name=")
            ? n.name.includes(f.slice(5))
            : f.startsWith("id=")
              ? n.id.startsWith(f.slice(3))
              : true,
        ),
      );
      const id = (n: NetworkSummary) => (o.trunc ? shortId(n.id) : n.id);
      if (o.quiet) return void process.stdout.write(rows.map((n) => `${id(n)}\n`).join(""));
      process.stdout.write(
        formatRows(rows, {
          format:
            o.format === undefined || o.format === "table"
              ? "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
              : o.format,
          columns: [
            { header: "NETWORK ID", field: "ID", value: id },
            { header: "NAME", field: "Name", value: (n) => n.name },
            { header: "DRIVER", field: "Driver", value: (n) => n.driver },
            { header: "SCOPE", field: "Scope", value: (n) => n.scope },
            { header: "SUBNET", field: "Subnet", value: (n) => n.subnet },
          ],
        }),
      );
    });
  formatOption(net.command("inspect").description("Display detailed information on one or more networks"))
    .argument("<network...>")
    .action((refs: string[], o: { format?: string }) => inspectRefs(ctl, refs, ["network"], o.format));
  net
    .command("rm")
    .alias("remove")
    .description("Remove one or more networks")
    .argument("<network...>")
    .action(async (refs: string[]) => {
      const c = await ctl.client();
      await forEachRef(refs, (id) => c.call("Networks", "remove", { id }).then(() => undefined));
    });
  for (const verb of ["connect", "disconnect"] as const)
    net
      .command(verb)
      .description(
        verb === "connect" ? "Connect a container to a network" : "Disconnect a container from a network",
      )
      .option("--alias <alias>", "add network-scoped alias for the container", collect)
      .option("--ip <address>", "IPv4 address (e.g., 172.30.100.104)")
      .option("-f, --force", "force the container to disconnect from a network")
      .argument("<network>")
      .argument("<container>")
      .action(
        async (network: string, container: string, o: { alias?: string[]; ip?: string; force?: boolean }) => {
          const c = await ctl.client();
          await c
            .call("Networks", verb, {
              network,
              container,
              aliases: o.alias ?? [],
              ipv4Address: o.ip ?? "",
              force: !!o.force,
            })
            .catch((e: unknown) => {
              throw new ExitError(1, daemonError(e));
            });
        },
      );
  net
    .command("prune")
    .description("Remove all unused networks")
    .option("-f, --force", "do not prompt for confirmation")
    .action(async (o: { force?: boolean }) => {
      if (
        !(await confirmPrune(
          "This will remove all custom networks not used by at least one container.",
          o.force,
        ))
      )
        return;
      const c = await ctl.client();
      const r = await c.call<{ names: string[] }>("Networks", "prune", {});
      printPruned([["Networks", r.names]], undefined);
    });
}

/** `volume create|ls|inspect|rm|prune`. */
export function volumeCommands(program: Command, ctl: Ctl): void {
  const vol = program.command("volume").description("Manage volumes");
  vol
    .command("create")
    .description("Create a volume")
    .option("-d, --driver <driver>", "specify volume driver name", "local")
    .option("-o, --opt <k=v>", "set driver specific options", collect)
    .option("--label <k=v>", "set metadata for a volume", collect)
    .argument("[name]")
    .action(async (name: string | undefined, o: { driver: string; opt?: string[]; label?: string[] }) => {
      const c = await ctl.client();
      const r = await c
        .call<{ id: string }>("Volumes", "create", {
          name: name ?? "",
          driver: o.driver,
          options: labels(o.opt),
          labels: labels(o.label),
        })
        .catch((e: unknown) => {
          throw new ExitError(1, daemonError(e));
        });
      process.stdout.write(`${r.id}\n`);
    });
  vol
    .command("ls")
    .alias("list")
    .description("List volumes")
    .option("-q, --quiet", "only display volume names")
    .option("-f, --filter <filter>", "provide filter values (e.g. 'dangling=true')", collect)
    .option("--format <format>", "format output using a custom template, 'table' or 'json'")
    .action(async (o: { quiet?: boolean; filter?: string[]; format?: string }) => {
      const c = await ctl.client();
      const all = JSON.parse((await c.call<{ json: string }>("Volumes", "list", {})).json) as (VolumeRow & {
        Mountpoint: string;
      })[];
      let vols: typeof all;
      try {
        vols = filterVolumes(all, o.filter ?? []);
      } catch (e) {
        throw new ExitError(1, daemonError(e));
      }
      if (o.quiet) return void process.stdout.write(vols.map((v) => `${v.Name}\n`).join(""));
      process.stdout.write(
        formatRows(vols, {
          format: o.format === undefined || o.format === "table" ? "table {{.Driver}}\t{{.Name}}" : o.format,
          columns: [
            { header: "DRIVER", field: "Driver", value: (v) => v.Driver },
            { header: "VOLUME NAME", field: "Name", value: (v) => v.Name },
            { header: "MOUNTPOINT", field: "Mountpoint", value: (v) => v.Mountpoint },
          ],
        }),
      );
    });
  formatOption(vol.command("inspect").description("Display detailed information on one or more volumes"))
    .argument("<volume...>")
    .action((refs: string[], o: { format?: string }) => inspectRefs(ctl, refs, ["volume"], o.format));
  vol
    .command("rm")
    .alias("remove")
    .description("Remove one or more volumes")
    .option("-f, --force", "force the removal of one or more volumes")
    .argument("<volume...>")
    .action(async (refs: string[], o: { force?: boolean }) => {
      const c = await ctl.client();
      await forEachRef(refs, (name) =>
        c.call("Volumes", "remove", { name, force: !!o.force }).then(() => undefined),
      );
    });
  vol
    .command("prune")
    .description("Remove unused local volumes")
    .option("-f, --force", "do not prompt for confirmation")
    .option("-a, --all", "remove all unused volumes, not just anonymous ones")
    .action(async (o: { force?: boolean; all?: boolean }) => {
      const what = o.all ? "all local volumes" : "anonymous local volumes";
      if (!(await confirmPrune(`This will remove ${what} not used by at least one container.`, o.force)))
        return;
      const c = await ctl.client();
      const r = await c.call<PruneReply>("Volumes", "prune", { all: !!o.all });
      printPruned([["Volumes", r.deleted]], r.spaceReclaimed);
    });
}
