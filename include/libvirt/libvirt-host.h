/*
 * libvirt-host.h: connections and host level functions
 */
#ifndef LIBVIRT_HOST_H
#define LIBVIRT_HOST_H

#ifndef __VIR_LIBVIRT_H_INCLUDES__
# error "Do not include libvirt-host.h directly, use <libvirt/libvirt.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define VIR_UUID_BUFLEN (16)
#define VIR_UUID_STRING_BUFLEN (36 + 1)

typedef enum {
    VIR_CONNECT_RO         = (1 << 0),
    VIR_CONNECT_NO_ALIASES = (1 << 1),
} virConnectFlags;

typedef enum {
    VIR_CRED_USERNAME = 1,
    VIR_CRED_AUTHNAME = 2,
    VIR_CRED_LANGUAGE = 3,
    VIR_CRED_CNONCE = 4,
    VIR_CRED_PASSPHRASE = 5,
    VIR_CRED_ECHOPROMPT = 6,
    VIR_CRED_NOECHOPROMPT = 7,
    VIR_CRED_REALM = 8,
    VIR_CRED_EXTERNAL = 9,
} virConnectCredentialType;

typedef struct _virConnectCredential virConnectCredential;
struct _virConnectCredential {
    int type;
    const char *prompt;
    const char *challenge;
    const char *defresult;
    char *result;
    unsigned int resultlen;
};
typedef virConnectCredential *virConnectCredentialPtr;

typedef int (*virConnectAuthCallbackPtr)(virConnectCredentialPtr cred,
                                         unsigned int ncred,
                                         void *cbdata);

typedef struct _virConnectAuth virConnectAuth;
struct _virConnectAuth {
    int *credtype;
    unsigned int ncredtype;
    virConnectAuthCallbackPtr cb;
    void *cbdata;
};
typedef virConnectAuth *virConnectAuthPtr;

VIR_EXPORT_VAR virConnectAuthPtr virConnectAuthPtrDefault;

int virInitialize(void);

int virGetVersion(unsigned long *libVer,
                  const char *type,
                  unsigned long *typeVer);

virConnectPtr virConnectOpen(const char *name);
virConnectPtr virConnectOpenReadOnly(const char *name);
virConnectPtr virConnectOpenAuth(const char *name,
                                 virConnectAuthPtr auth,
                                 unsigned int flags);
int virConnectRef(virConnectPtr conn);
int virConnectClose(virConnectPtr conn);

const char *virConnectGetType(virConnectPtr conn);
int virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer);
int virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer);
char *virConnectGetURI(virConnectPtr conn);
char *virConnectGetHostname(virConnectPtr conn);
int virConnectIsAlive(virConnectPtr conn);

char *virConnectGetCapabilities(virConnectPtr conn);
char *virConnectGetDomainCapabilities(virConnectPtr conn,
                                      const char *emulatorbin,
                                      const char *arch,
                                      const char *machine,
                                      const char *virttype,
                                      unsigned int flags);

/* @reason: a virConnectCloseReason. Called once, from the event loop
 * (virEventRunDefaultImpl), after the connection ended. */
typedef void (*virConnectCloseFunc)(virConnectPtr conn,
                                    int reason,
                                    void *opaque);

int virConnectRegisterCloseCallback(virConnectPtr conn,
                                    virConnectCloseFunc cb,
                                    void *opaque,
                                    virFreeCallback freecb);
int virConnectUnregisterCloseCallback(virConnectPtr conn,
                                      virConnectCloseFunc cb);

/* Keepalive on a connection to a daemon: a ping after @interval seconds
 * of silence, the connection closed after @count unanswered ones.
 * @interval <= 0 turns it off. */
int virConnectSetKeepAlive(virConnectPtr conn,
                           int interval,
                           unsigned int count);

typedef struct _virNodeInfo virNodeInfo;
struct _virNodeInfo {
    char model[32];         /* CPU model */
    unsigned long memory;   /* KiB */
    unsigned int cpus;      /* active CPUs */
    unsigned int mhz;
    unsigned int nodes;     /* NUMA nodes */
    unsigned int sockets;   /* per node */
    unsigned int cores;     /* per socket */
    unsigned int threads;   /* per core */
};
typedef virNodeInfo *virNodeInfoPtr;

int virNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info);

#define VIR_SECURITY_MODEL_BUFLEN (256 + 1)
#define VIR_SECURITY_DOI_BUFLEN (256 + 1)

typedef struct _virSecurityModel virSecurityModel;
struct _virSecurityModel {
    char model[VIR_SECURITY_MODEL_BUFLEN];  /* security model */
    char doi[VIR_SECURITY_DOI_BUFLEN];      /* domain of interpretation */
};
typedef virSecurityModel *virSecurityModelPtr;

int virNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel);

#ifdef __cplusplus
}
#endif

#endif /* LIBVIRT_HOST_H */
