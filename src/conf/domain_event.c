/*
 * domain_event.c: a domain event, as a driver produces it
 */
#include "internal.h"

#include "domain_event.h"

struct _virDomainEvent {
    int eventID;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;
    int type;       /* lifecycle */
    int detail;     /* lifecycle */
    char *alias;    /* device events */
};

virDomainEvent *
virDomainEventNew(int eventID, const char *name, const unsigned char *uuid, int id)
{
    virDomainEvent *event = g_new0(virDomainEvent, 1);

    event->eventID = eventID;
    event->name = g_strdup(name);
    memcpy(event->uuid, uuid, VIR_UUID_BUFLEN);
    event->id = id;
    event->type = -1;
    event->detail = -1;
    return event;
}

virDomainEvent *
virDomainEventLifecycleNew(const char *name, const unsigned char *uuid,
                           int id, int type, int detail)
{
    virDomainEvent *event = virDomainEventNew(VIR_DOMAIN_EVENT_ID_LIFECYCLE, name, uuid, id);

    event->type = type;
    event->detail = detail;
    return event;
}

virDomainEvent *
virDomainEventDeviceNew(int eventID, const char *name, const unsigned char *uuid,
                        int id, const char *alias)
{
    virDomainEvent *event = virDomainEventNew(eventID, name, uuid, id);

    event->alias = g_strdup(alias);
    return event;
}

void
virDomainEventFree(virDomainEvent *event)
{
    if (!event)
        return;
    g_free(event->name);
    g_free(event->alias);
    g_free(event);
}

int
virDomainEventGetID(const virDomainEvent *event)
{
    return event->eventID;
}

const unsigned char *
virDomainEventGetUUID(const virDomainEvent *event)
{
    return event->uuid;
}

const char *
virDomainEventGetName(const virDomainEvent *event)
{
    return event->name;
}

int
virDomainEventGetDomainID(const virDomainEvent *event)
{
    return event->id;
}

int
virDomainEventGetType(const virDomainEvent *event)
{
    return event->type;
}

int
virDomainEventGetDetail(const virDomainEvent *event)
{
    return event->detail;
}

const char *
virDomainEventGetAlias(const virDomainEvent *event)
{
    return event->alias;
}

void
virDomainEventInvoke(const virDomainEvent *event, virConnectPtr conn,
                     virConnectDomainEventGenericCallback cb, void *opaque)
{
    virDomainPtr dom = virGetDomain(conn, event->name, event->uuid, event->id);

    if (!dom)
        return;
    switch (event->eventID) {
    case VIR_DOMAIN_EVENT_ID_LIFECYCLE:
        ((virConnectDomainEventCallback)(void (*)(void))cb)(conn, dom, event->type,
                                                            event->detail, opaque);
        break;
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED:
        /* the three share one signature */
        ((virConnectDomainEventDeviceRemovedCallback)(void (*)(void))cb)(conn, dom,
                                                                         event->alias,
                                                                         opaque);
        break;
    default:
        cb(conn, dom, opaque);
        break;
    }
    virDomainFree(dom);
}
