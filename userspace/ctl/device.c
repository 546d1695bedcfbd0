// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl device list|show|pin|unpin|forget: i62608d's view of the
 * devices (its database): desired against applied configuration, drift,
 * the last outcome.
 */

#include <string.h>

#include "ctl.h"
#include "devrender.h"
#include "dsock.h"

static json_object *request(const char *command, const char *mac)
{
	json_object *req = json_object_new_object();

	if (!req)
		return NULL;
	json_object_object_add(req, "command", json_object_new_string(command));
	if (mac)
		json_object_object_add(req, "mac", json_object_new_string(mac));
	return req;
}

/* The command's one argument, a MAC, in canonical form into @mac. */
static int want_mac(struct ctl *ctl, int argc, char **argv, char mac[18])
{
	uint8_t m[6];

	if (argc < 1)
		return ctl_usage(ctl, "missing the device's MAC address");
	if (argc > 1)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[1]);
	if (ctl_parse_mac(argv[0], m))
		return ctl_usage(ctl, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx, hexadecimal)",
				 argv[0]);
	out_fmt_mac(mac, 18, m);
	return CTL_OK;
}

static int cmd_device_list(struct ctl *ctl, int argc, char **argv)
{
	json_object *ans, *devs;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (!ctl_take_json(ctl, &argc, argv))
		return ctl_err(ctl, "out of memory");
	if (argc > 0)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[0]);
	ans = ctl_daemon_call(ctl, request("device_list", NULL));
	if (!ans)
		return CTL_FAIL;
	if (!json_object_object_get_ex(ans, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array)) {
		json_object_put(ans);
		return ctl_err(ctl, "i62608d's answer has no device list");
	}
	ctl_print_device_list(ctl->out, devs);
	json_object_put(ans);
	return CTL_OK;
}

static int cmd_device_show(struct ctl *ctl, int argc, char **argv)
{
	json_object *ans, *dev;
	char mac[18];
	int ret;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (!ctl_take_json(ctl, &argc, argv))
		return ctl_err(ctl, "out of memory");
	ret = want_mac(ctl, argc, argv, mac);
	if (ret)
		return ret;
	ans = ctl_daemon_call(ctl, request("device_show", mac));
	if (!ans)
		return CTL_FAIL;
	if (!json_object_object_get_ex(ans, "device", &dev) ||
	    !json_object_is_type(dev, json_type_object)) {
		json_object_put(ans);
		return ctl_err(ctl, "i62608d's answer has no device");
	}
	ctl_print_device(ctl->out, dev);
	json_object_put(ans);
	return CTL_OK;
}

/* pin, unpin, forget: a change, nothing printed. */
static int change(struct ctl *ctl, int argc, char **argv, const char *command)
{
	json_object *ans;
	char mac[18];
	int ret;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	ret = want_mac(ctl, argc, argv, mac);
	if (ret)
		return ret;
	ans = ctl_daemon_call(ctl, request(command, mac));
	if (!ans)
		return CTL_FAIL;
	json_object_put(ans);
	return CTL_OK;
}

static int cmd_device_pin(struct ctl *ctl, int argc, char **argv)
{
	return change(ctl, argc, argv, "device_pin");
}

static int cmd_device_unpin(struct ctl *ctl, int argc, char **argv)
{
	return change(ctl, argc, argv, "device_unpin");
}

static int cmd_device_forget(struct ctl *ctl, int argc, char **argv)
{
	return change(ctl, argc, argv, "device_forget");
}

const struct ctl_cmd ctl_device_cmds[] = {
	{
		.object = "device", .verb = "list", .fn = cmd_device_list,
		.args = "[-j]",
		.summary = "list the devices of i62608d's database",
		.help =
"Lists every device i62608d knows, from its database: MAC, STATUS\n"
"(unmanaged, queued, configuring, in_sync, drift, refused, failed), TYPE,\n"
"DEVICE (vendor and model), RULE (the policy rule that matched), ADDRESS\n"
"(the planned addressing: static, reserve, dhcp or keep, and the address),\n"
"OUTCOME (of the last configuration), DRIFT (where the device's report\n"
"differs from its configuration), PINNED and LAST_SEEN.\n",
	},
	{
		.object = "device", .verb = "show", .fn = cmd_device_show,
		.args = "MAC [-j]",
		.summary = "show a device: desired and applied configuration, rules, events",
		.help =
"Everything i62608d holds of the device MAC: its identity, the desired\n"
"configuration (generation, rule, items, note, drift), the applied one\n"
"(outcome and each item's result), the work pending, its gateway rules\n"
"and its latest events.\n",
	},
	{
		.object = "device", .verb = "pin", .fn = cmd_device_pin,
		.args = "MAC",
		.summary = "keep a device's configuration as it is decided now",
		.help =
"The device's desired configuration is no longer planned again (a new\n"
"policy, an override, a renumbering leave it alone); it is still applied\n"
"again when the device drifts from it. Prints nothing.\n",
	},
	{
		.object = "device", .verb = "unpin", .fn = cmd_device_unpin,
		.args = "MAC",
		.summary = "plan a pinned device by the policy again",
		.help = "Undoes 'device pin': the device is planned again at once. Prints nothing.\n",
	},
	{
		.object = "device", .verb = "forget", .fn = cmd_device_forget,
		.args = "MAC",
		.summary = "remove a device from i62608d's database",
		.help =
"Removes the device's records, its address in the plan and its gateway\n"
"rules (the gateway is synced without them). A device still on the LAN\n"
"is recorded again as new at its next report. Prints nothing.\n",
	},
	{ 0 }
};
