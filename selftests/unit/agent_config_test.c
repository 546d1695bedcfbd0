// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-agent's configuration file: a valid file gives the values it
 * says; every kind of error is reported as "FILE:LINE: message", exactly;
 * the limits of the protocol are the limits of the file.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../userspace/agent/config.h"

struct parsed {
	struct agent_config c;
	int errors;
	char *msg;		/* everything reported */
	size_t len;
};

static void parse_n(struct parsed *p, const char *text, size_t len)
{
	FILE *f = open_memstream(&p->msg, &p->len);

	agent_config_init(&p->c);
	p->errors = agent_config_parse(&p->c, "agent.conf", text, len, f);
	fclose(f);
}

static void parse(struct parsed *p, const char *text)
{
	parse_n(p, text, strlen(text));
}

/* @text must give exactly one error, @want (without the newline). */
#define ASSERT_ERROR(text, want) do {					\
	struct parsed __p;						\
	parse(&__p, text);						\
	EXPECT_EQ(1, __p.errors);					\
	EXPECT_STREQ(want "\n", __p.msg);				\
	free(__p.msg);							\
} while (0)

TEST(valid_file)
{
	struct parsed p;

	parse(&p,
	      "# a set-top box\n"
	      "\n"
	      "   # indented comment\n"
	      "device_type = stb\n"
	      "vendor = Example\n"
	      "model=\"STB-100 \"\n"
	      "serial\t=\tSN0001  \n"
	      "firmware = 1.2.3\n"
	      "name = Wohnzimmer-Box \xc3\xa4\n"
	      "interfaces = eth0  wlan0\n"
	      "service = iptv enabled udp/5004 tcp/554\n"
	      "service = ssh disabled\n"
	      "service = dlna.renderer failed tcp/8200\n"
	      "ethertype = 0x88b6\n"
	      "log_level = debug\n"
	      "discover_backoff_min = 500ms\n"
	      "discover_backoff_max = 2min\n"
	      "report_debounce = 0 ms\n"
	      "resolv_conf = /run/resolv.conf\n");
	ASSERT_EQ(0, p.errors);
	EXPECT_STREQ("", p.msg);
	EXPECT_EQ(I62608_DEV_STB, p.c.device_type);
	EXPECT_STREQ("Example", p.c.vendor);
	EXPECT_STREQ("STB-100 ", p.c.model);
	EXPECT_STREQ("SN0001", p.c.serial);
	EXPECT_STREQ("1.2.3", p.c.firmware);
	EXPECT_STREQ("Wohnzimmer-Box \xc3\xa4", p.c.name);
	ASSERT_EQ(2, p.c.n_ifnames);
	EXPECT_STREQ("eth0", p.c.ifnames[0]);
	EXPECT_STREQ("wlan0", p.c.ifnames[1]);
	ASSERT_EQ(3, p.c.n_services);
	EXPECT_STREQ("iptv", p.c.services[0].name);
	EXPECT_EQ(I62608_SVC_ENABLED, p.c.services[0].state);
	ASSERT_EQ(2, p.c.services[0].n_ports);
	EXPECT_EQ(17, p.c.services[0].ports[0].proto);
	EXPECT_EQ(5004, p.c.services[0].ports[0].port);
	EXPECT_EQ(6, p.c.services[0].ports[1].proto);
	EXPECT_EQ(554, p.c.services[0].ports[1].port);
	EXPECT_EQ(I62608_SVC_DISABLED, p.c.services[1].state);
	EXPECT_EQ(0, p.c.services[1].n_ports);
	EXPECT_STREQ("dlna.renderer", p.c.services[2].name);
	EXPECT_EQ(I62608_SVC_FAILED, p.c.services[2].state);
	EXPECT_EQ(0x88b6, p.c.ethertype);
	EXPECT_EQ(AGENT_LOG_DEBUG, p.c.log_level);
	EXPECT_EQ(500, p.c.backoff_min_ms);
	EXPECT_EQ(120000, p.c.backoff_max_ms);
	EXPECT_EQ(0, p.c.debounce_ms);
	EXPECT_STREQ("/run/resolv.conf", p.c.resolv_conf);
	free(p.msg);
}

TEST(defaults)
{
	struct parsed p;

	parse(&p, "");
	ASSERT_EQ(0, p.errors);
	EXPECT_EQ(I62608_DEV_OTHER, p.c.device_type);
	EXPECT_EQ(0x88b5, p.c.ethertype);
	EXPECT_EQ(AGENT_LOG_INFO, p.c.log_level);
	EXPECT_EQ(1000, p.c.backoff_min_ms);
	EXPECT_EQ(60000, p.c.backoff_max_ms);
	EXPECT_EQ(150, p.c.debounce_ms);
	EXPECT_STREQ("/etc/resolv.conf", p.c.resolv_conf);
	EXPECT_EQ(0, p.c.n_ifnames);
	EXPECT_EQ(0, p.c.n_services);
	EXPECT_STREQ("", p.c.name);
	free(p.msg);
}

TEST(crlf_and_quotes)
{
	struct parsed p;

	parse(&p, "vendor = \"  A \\\"B\\\" \\\\ # C\"  \r\nmodel = x\r\n");
	ASSERT_EQ(0, p.errors);
	EXPECT_STREQ("  A \"B\" \\ # C", p.c.vendor);
	EXPECT_STREQ("x", p.c.model);
	free(p.msg);
}

TEST(syntax_errors)
{
	ASSERT_ERROR("vendor Example\n", "agent.conf:1: expected 'key = value', got 'vendor Example'");
	ASSERT_ERROR("\n\n= x\n", "agent.conf:3: expected 'key = value', got '= x'");
	ASSERT_ERROR("vendr = x\n", "agent.conf:1: unknown key 'vendr'");
	ASSERT_ERROR("Vendor = x\n", "agent.conf:1: unknown key 'Vendor'");
	ASSERT_ERROR("vendor = a\nvendor = b\n", "agent.conf:2: vendor: set twice (first on line 1)");
	ASSERT_ERROR("vendor = \"abc\n", "agent.conf:1: vendor: missing closing '\"'");
	ASSERT_ERROR("vendor = \"abc\" x\n", "agent.conf:1: vendor: unexpected text after the closing '\"'");
	ASSERT_ERROR("ethertype =\n", "agent.conf:1: ethertype: empty value");
}

TEST(string_errors)
{
	ASSERT_ERROR("vendor =\n", "agent.conf:1: vendor: empty value");
	ASSERT_ERROR("model = \"\"\n", "agent.conf:1: model: empty value");
	ASSERT_ERROR("serial = 123456789012345678901234567890123\n",
		     "agent.conf:1: serial: '123456789012345678901234567890123' is 33 bytes long, at most 32 are allowed");
	ASSERT_ERROR("name = a\xff" "b\n",
		     "agent.conf:1: name: 'a\\xffb' is not valid UTF-8 text (control characters are not allowed)");
	ASSERT_ERROR("firmware = a\tb\n",
		     "agent.conf:1: firmware: 'a\\x09b' is not valid UTF-8 text (control characters are not allowed)");
	/* An overlong encoding of '/'. */
	ASSERT_ERROR("vendor = \xc0\xaf\n",
		     "agent.conf:1: vendor: '\\xc0\\xaf' is not valid UTF-8 text (control characters are not allowed)");
}

TEST(value_errors)
{
	ASSERT_ERROR("device_type = toaster\n",
		     "agent.conf:1: device_type: unknown device type 'toaster' (tv, stb, recorder, nas, audio, game_console, iot, media_player or other)");
	ASSERT_ERROR("interfaces = eth0 eth0\n", "agent.conf:1: interfaces: 'eth0' is listed twice");
	ASSERT_ERROR("interfaces = a/b\n",
		     "agent.conf:1: interfaces: 'a/b' is not a valid interface name (1 to 15 characters, no blank, '/' or ':')");
	ASSERT_ERROR("interfaces = abcdefghijklmnop\n",
		     "agent.conf:1: interfaces: 'abcdefghijklmnop' is not a valid interface name (1 to 15 characters, no blank, '/' or ':')");
	ASSERT_ERROR("interfaces = \"  \"\n",
		     "agent.conf:1: interfaces: empty list (leave the key out to run on every Ethernet interface)");
	ASSERT_ERROR("ethertype = 0x05ff\n", "agent.conf:1: ethertype: '0x05ff' is not an EtherType (0x0600 to 0xffff)");
	ASSERT_ERROR("ethertype = 0x10000\n", "agent.conf:1: ethertype: '0x10000' is not an EtherType (0x0600 to 0xffff)");
	ASSERT_ERROR("ethertype = -1\n", "agent.conf:1: ethertype: '-1' is not an EtherType (0x0600 to 0xffff)");
	ASSERT_ERROR("ethertype = 0x8100\n", "agent.conf:1: ethertype: 0x8100 is a VLAN tag protocol");
	ASSERT_ERROR("ethertype = 2048\n", "agent.conf:1: ethertype: 0x0800 is IPv4");
	ASSERT_ERROR("log_level = loud\n",
		     "agent.conf:1: log_level: unknown level 'loud' (error, warning, notice, info or debug)");
	ASSERT_ERROR("resolv_conf = etc/resolv.conf\n",
		     "agent.conf:1: resolv_conf: 'etc/resolv.conf' is not an absolute path");
}

TEST(duration_errors)
{
	ASSERT_ERROR("discover_backoff_min = 5\n",
		     "agent.conf:1: discover_backoff_min: '5' has no unit (ms, s or min)");
	ASSERT_ERROR("discover_backoff_min = 5h\n",
		     "agent.conf:1: discover_backoff_min: '5h' is not a duration (a number and ms, s or min)");
	ASSERT_ERROR("discover_backoff_min = 1.5s\n",
		     "agent.conf:1: discover_backoff_min: '1.5s' is not a duration (a number and ms, s or min)");
	ASSERT_ERROR("discover_backoff_min = 50ms\n",
		     "agent.conf:1: discover_backoff_min: 50ms is out of range (100ms to 60min)");
}

TEST(service_errors)
{
	ASSERT_ERROR("service = ssh\n",
		     "agent.conf:1: service: expected 'NAME enabled|disabled|failed [tcp/PORT|udp/PORT ...]'");
	ASSERT_ERROR("service = SSH enabled\n",
		     "agent.conf:1: service: 'SSH' is not a valid service name (1 to 32 of a-z 0-9 . _ -, starting with a letter or digit)");
	ASSERT_ERROR("service = -ssh enabled\n",
		     "agent.conf:1: service: '-ssh' is not a valid service name (1 to 32 of a-z 0-9 . _ -, starting with a letter or digit)");
	ASSERT_ERROR("service = abcdefghijabcdefghijabcdefghijabc enabled\n",
		     "agent.conf:1: service: 'abcdefghijabcdefghijabcdefghijabc' is not a valid service name (1 to 32 of a-z 0-9 . _ -, starting with a letter or digit)");
	ASSERT_ERROR("service = ssh on\n",
		     "agent.conf:1: service 'ssh': unknown state 'on' (enabled, disabled or failed)");
	ASSERT_ERROR("service = ssh enabled tcp/0\n",
		     "agent.conf:1: service 'ssh': 'tcp/0' is not a port (tcp/1-65535 or udp/1-65535)");
	ASSERT_ERROR("service = ssh enabled tcp/65536\n",
		     "agent.conf:1: service 'ssh': 'tcp/65536' is not a port (tcp/1-65535 or udp/1-65535)");
	ASSERT_ERROR("service = ssh enabled sctp/22\n",
		     "agent.conf:1: service 'ssh': 'sctp/22' is not a port (tcp/1-65535 or udp/1-65535)");
	ASSERT_ERROR("service = ssh enabled tcp/22 tcp/22\n",
		     "agent.conf:1: service 'ssh': port tcp/22 is listed twice");
	ASSERT_ERROR("service = ssh enabled tcp/1 tcp/2 tcp/3 tcp/4 tcp/5\n",
		     "agent.conf:1: service 'ssh': more than 4 ports");
	ASSERT_ERROR("service = ssh enabled\n# x\nservice = ssh disabled\n",
		     "agent.conf:3: service 'ssh' is already defined on line 1");
}

TEST(limits)
{
	char text[8192];
	struct parsed p;
	size_t n = 0;
	int i;

	/* Exactly at every limit: accepted. */
	n += sprintf(text + n, "vendor = 12345678901234567890123456789012\n");
	/* 32 bytes of 2-byte characters: 16 x U+00E9. */
	n += sprintf(text + n, "name = ");
	for (i = 0; i < 16; i++)
		n += sprintf(text + n, "\xc3\xa9");
	n += sprintf(text + n, "\ninterfaces =");
	for (i = 0; i < AGENT_MAX_IFNAMES; i++)
		n += sprintf(text + n, " e%d", i);
	n += sprintf(text + n, "\n");
	for (i = 0; i < I62608_MAX_SERVICES; i++)
		n += sprintf(text + n, "service = s%d enabled tcp/1 tcp/2 udp/3 udp/65535\n", i);
	n += sprintf(text + n, "service = abcdefghijabcdefghijabcdefghijab disabled\n");
	parse(&p, text);
	EXPECT_EQ(1, p.errors);
	EXPECT_STREQ("agent.conf:20: service: more than 16 services\n", p.msg);
	EXPECT_EQ(AGENT_MAX_IFNAMES, p.c.n_ifnames);
	EXPECT_EQ(I62608_MAX_SERVICES, p.c.n_services);
	EXPECT_EQ(4, p.c.services[15].n_ports);
	EXPECT_EQ(65535, p.c.services[15].ports[3].port);
	EXPECT_EQ(32, strlen(p.c.name));
	free(p.msg);

	n = 0;
	n += sprintf(text + n, "interfaces =");
	for (i = 0; i <= AGENT_MAX_IFNAMES; i++)
		n += sprintf(text + n, " e%d", i);
	ASSERT_ERROR(text, "agent.conf:1: interfaces: more than 32 interfaces");

	/* 33 bytes: one 2-byte character too many. */
	n = sprintf(text, "name = a");
	for (i = 0; i < 16; i++)
		n += sprintf(text + n, "\xc3\xa9");
	parse(&p, text);
	EXPECT_EQ(1, p.errors);
	EXPECT_NE(NULL, strstr(p.msg, "is 33 bytes long, at most 32 are allowed"));
	free(p.msg);

	ASSERT_ERROR("discover_backoff_max = 61min\n",
		     "agent.conf:1: discover_backoff_max: 61min is out of range (100ms to 60min)");
	ASSERT_ERROR("report_debounce = 11s\n",
		     "agent.conf:1: report_debounce: 11s is out of range (0ms to 10s)");
}

TEST(backoff_order)
{
	ASSERT_ERROR("discover_backoff_min = 2s\n# x\ndiscover_backoff_max = 1s\n",
		     "agent.conf:3: discover_backoff_min (2s) is larger than discover_backoff_max (1s)");
	/* Against the default maximum: the line of the key given. */
	ASSERT_ERROR("\ndiscover_backoff_min = 2min\n",
		     "agent.conf:2: discover_backoff_min (2min) is larger than discover_backoff_max (1min)");
}

TEST(line_errors)
{
	char line[AGENT_CONFIG_MAX_LINE + 16];
	struct parsed p;

	parse_n(&p, "vendor = a\0b\nmodel = c\n", 22);
	EXPECT_EQ(1, p.errors);
	EXPECT_STREQ("agent.conf:1: NUL byte in the line\n", p.msg);
	EXPECT_STREQ("c", p.c.model);
	free(p.msg);

	memset(line, 'a', sizeof(line));
	memcpy(line, "vendor = ", 9);
	line[AGENT_CONFIG_MAX_LINE + 1] = '\n';
	parse_n(&p, line, AGENT_CONFIG_MAX_LINE + 2);
	EXPECT_EQ(1, p.errors);
	EXPECT_STREQ("agent.conf:1: line longer than 1024 bytes\n", p.msg);
	free(p.msg);
}

TEST(every_error_is_reported)
{
	struct parsed p;

	parse(&p, "a = 1\nvendor = ok\nb = 2\nservice = X y\ndevice_type = tv\n");
	EXPECT_EQ(3, p.errors);
	EXPECT_STREQ("agent.conf:1: unknown key 'a'\n"
		     "agent.conf:3: unknown key 'b'\n"
		     "agent.conf:4: service: 'X' is not a valid service name (1 to 32 of a-z 0-9 . _ -, starting with a letter or digit)\n",
		     p.msg);
	free(p.msg);
}

TEST(messages_escape_values)
{
	/* A terminal escape in a value is shown escaped, and long values cut. */
	ASSERT_ERROR("device_type = \x1b[31mred\n",
		     "agent.conf:1: device_type: unknown device type '\\x1b[31mred' (tv, stb, recorder, nas, audio, game_console, iot, media_player or other)");
}

TEST(load_file)
{
	char path[] = "/tmp/agent_config_test.XXXXXX";
	struct agent_config c;
	char *msg = NULL;
	size_t len = 0;
	FILE *f, *err;
	int fd;

	fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	f = fdopen(fd, "w");
	fputs("vendor = Example\nfoo = 1\n", f);
	fclose(f);

	err = open_memstream(&msg, &len);
	agent_config_init(&c);
	EXPECT_EQ(1, agent_config_load(&c, path, false, err));
	fflush(err);
	EXPECT_NE(NULL, strstr(msg, ":2: unknown key 'foo'"));
	EXPECT_EQ(0, strncmp(msg, path, strlen(path)));
	unlink(path);

	/* Missing: an error, unless it is the optional default file. */
	agent_config_init(&c);
	EXPECT_EQ(0, agent_config_load(&c, path, true, err));
	EXPECT_EQ(1, agent_config_load(&c, path, false, err));
	fclose(err);
	EXPECT_NE(NULL, strstr(msg, ": No such file or directory"));
	free(msg);
}

TEST_HARNESS_MAIN
