// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/selector.h"
#include "runtime/error.h"

#include <gtest/gtest.h>

using namespace ig::containers;

TEST(NameMatcher, ListsIncludeAndBangExcludes) {
    auto m = NameMatcher::parse("web, api", "containername");
    EXPECT_TRUE(m.matches("web"));
    EXPECT_TRUE(m.matches("api"));
    EXPECT_FALSE(m.matches("other"));
    EXPECT_FALSE(m.matches("webx")); // exact names, not prefixes

    auto not_web = NameMatcher::parse("!web", "containername");
    EXPECT_FALSE(not_web.matches("web"));
    EXPECT_TRUE(not_web.matches("other"));

    auto both = NameMatcher::parse("web,api,!api", "containername");
    EXPECT_TRUE(both.matches("web"));
    EXPECT_FALSE(both.matches("api")); // an exclusion wins
}

TEST(NameMatcher, EmptyMatchesEverythingAndEmptyItemsAreErrors) {
    auto m = NameMatcher::parse("", "containername");
    EXPECT_TRUE(m.empty());
    EXPECT_TRUE(m.matches("anything"));
    EXPECT_THROW(NameMatcher::parse("a,,b", "containername"), ig::Error);
    EXPECT_THROW(NameMatcher::parse("!", "containername"), ig::Error);
    try {
        NameMatcher::parse("a,", "podname");
        FAIL();
    } catch (const ig::Error& e) {
        EXPECT_NE(std::string(e.what()).find("--podname"), std::string::npos);
    }
}

TEST(LabelSelector, EveryTermMustHold) {
    std::map<std::string, std::string> labels = {{"app", "web"}, {"tier", "front"}};
    EXPECT_TRUE(LabelSelector::parse("app=web", "selector").matches(labels));
    EXPECT_TRUE(LabelSelector::parse("app=web,tier=front", "selector").matches(labels));
    EXPECT_FALSE(LabelSelector::parse("app=web,tier=back", "selector").matches(labels));
    EXPECT_TRUE(LabelSelector::parse("app=!db", "selector").matches(labels));
    EXPECT_FALSE(LabelSelector::parse("app=!web", "selector").matches(labels));
    EXPECT_TRUE(LabelSelector::parse("tier", "selector").matches(labels));
    EXPECT_FALSE(LabelSelector::parse("!tier", "selector").matches(labels));
    EXPECT_TRUE(LabelSelector::parse("!owner", "selector").matches(labels));
    EXPECT_THROW(LabelSelector::parse("=x", "selector"), ig::Error);
    EXPECT_THROW(LabelSelector::parse("!a=!b", "selector"), ig::Error);
}

TEST(ContainerSelector, CombinesNamesRuntimesAndKubernetes) {
    Container web;
    web.name = "web";
    web.runtime = "docker";
    web.k8s.pod_name = "pod-a";
    web.k8s.namespace_name = "ns";
    web.labels = {{"app", "web"}};
    ContainerSelector s;
    EXPECT_TRUE(s.empty());
    EXPECT_TRUE(s.matches(web));
    s.runtimes = NameMatcher::parse("containerd", "runtimes");
    EXPECT_FALSE(s.matches(web));
    s.runtimes = NameMatcher::parse("docker,containerd", "runtimes");
    s.pod_names = NameMatcher::parse("pod-a", "podname");
    EXPECT_TRUE(s.matches(web));
    EXPECT_TRUE(s.selects_k8s());
    s.namespaces = NameMatcher::parse("other-ns", "namespace");
    EXPECT_FALSE(s.matches(web));
    s.namespaces = NameMatcher::parse("ns", "namespace");
    s.labels = LabelSelector::parse("app=web", "selector");
    EXPECT_TRUE(s.matches(web));
    Container plain; // no pod: a pod selector never picks it
    plain.name = "web";
    plain.runtime = "docker";
    plain.labels = {{"app", "web"}};
    EXPECT_FALSE(s.matches(plain));
}
