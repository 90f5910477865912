// The two record formats rpk-zip writes (see rpkrecords.go): SPDX 2.3 JSON and an in-toto Statement v1
// carrying a SLSA v1 provenance predicate.
package main

import (
	"encoding/json"
	"runtime/debug"
	"strconv"
	"strings"
)

type spdxDoc struct {
	SPDXVersion       string             `json:"spdxVersion"`
	DataLicense       string             `json:"dataLicense"`
	SPDXID            string             `json:"SPDXID"`
	Name              string             `json:"name"`
	DocumentNamespace string             `json:"documentNamespace"`
	CreationInfo      spdxCreationInfo   `json:"creationInfo"`
	Packages          []spdxPackage      `json:"packages"`
	Relationships     []spdxRelationship `json:"relationships"`
}

type spdxCreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type spdxPackage struct {
	Name                  string            `json:"name"`
	SPDXID                string            `json:"SPDXID"`
	VersionInfo           string            `json:"versionInfo,omitempty"`
	DownloadLocation      string            `json:"downloadLocation"`
	FilesAnalyzed         bool              `json:"filesAnalyzed"`
	Checksums             []spdxChecksum    `json:"checksums,omitempty"`
	PrimaryPackagePurpose string            `json:"primaryPackagePurpose,omitempty"`
	ExternalRefs          []spdxExternalRef `json:"externalRefs,omitempty"`
	Comment               string            `json:"comment,omitempty"`
	Annotations           []spdxAnnotation  `json:"annotations,omitempty"`
}

type spdxChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type spdxExternalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

type spdxAnnotation struct {
	AnnotationDate string `json:"annotationDate"`
	AnnotationType string `json:"annotationType"`
	Annotator      string `json:"annotator"`
	Comment        string `json:"comment"`
}

type spdxRelationship struct {
	SPDXElementID      string `json:"spdxElementId"`
	RelationshipType   string `json:"relationshipType"`
	RelatedSPDXElement string `json:"relatedSpdxElement"`
}

// goModuleSumRef carries a go.sum "h1:" hash. It is not a checksum SPDX knows (it hashes the module's file
// list, not an archive), so it goes into an OTHER external reference rather than `checksums`.
const goModuleSumRef = "go-module-sum"

// goPURL is pkg:golang/PATH@VERSION; the main module of a build from a directory has the version
// "(devel)", which is no release: its purl has none.
func goPURL(path, version string) string {
	if version == "" || version == "(devel)" {
		return "pkg:golang/" + path
	}
	return "pkg:golang/" + path + "@" + version
}

func modulePackage(id string, m *debug.Module) spdxPackage {
	p := spdxPackage{
		Name:             m.Path,
		SPDXID:           id,
		VersionInfo:      m.Version,
		DownloadLocation: "NOASSERTION",
		ExternalRefs: []spdxExternalRef{
			{ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "purl", ReferenceLocator: goPURL(m.Path, m.Version)},
		},
	}
	sum := m.Sum
	if m.Replace != nil {
		// What was compiled is the replacement: its sum (a local directory has neither version nor sum).
		p.Comment = "replaced by " + strings.TrimSpace(m.Replace.Path+" "+m.Replace.Version)
		sum = m.Replace.Sum
	}
	if sum != "" {
		p.ExternalRefs = append(p.ExternalRefs, spdxExternalRef{ReferenceCategory: "OTHER", ReferenceType: goModuleSumRef, ReferenceLocator: sum})
	}
	return p
}

func spdxDocument(spec recordsSpec, t specTarget, r buildRecord, info *debug.BuildInfo) spdxDoc {
	tool := "Tool: rpk-" + spec.Builder.Version
	artifact := spdxPackage{
		Name:                  t.Name,
		SPDXID:                "SPDXRef-Artifact",
		DownloadLocation:      "NOASSERTION",
		Checksums:             []spdxChecksum{{Algorithm: "SHA256", ChecksumValue: r.Binary.SHA256}},
		PrimaryPackagePurpose: "APPLICATION",
		Comment:               "Go binary of package " + info.Path + " in module " + info.Main.Path,
	}
	for _, s := range sortedSettings(info) {
		artifact.Annotations = append(artifact.Annotations, spdxAnnotation{
			AnnotationDate: spec.Created, AnnotationType: "OTHER", Annotator: tool, Comment: "go build setting " + s.Key + "=" + s.Value,
		})
	}
	main := modulePackage("SPDXRef-Package-main", &info.Main)
	main.PrimaryPackagePurpose = "APPLICATION"
	stdlib := spdxPackage{
		Name: "stdlib", SPDXID: "SPDXRef-Package-stdlib", VersionInfo: info.GoVersion, DownloadLocation: "NOASSERTION",
		ExternalRefs: []spdxExternalRef{{ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "purl", ReferenceLocator: "pkg:golang/stdlib@" + strings.TrimPrefix(info.GoVersion, "go")}},
	}
	doc := spdxDoc{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT", Name: t.Name,
		DocumentNamespace: "urn:rpk:spdx:" + t.Name + ":sha256:" + r.Binary.SHA256,
		CreationInfo:      spdxCreationInfo{Created: spec.Created, Creators: []string{tool}},
		Packages:          []spdxPackage{artifact, main, stdlib},
		Relationships: []spdxRelationship{
			{"SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Artifact"},
			{"SPDXRef-Artifact", "GENERATED_FROM", "SPDXRef-Package-main"},
			{"SPDXRef-Package-main", "DEPENDS_ON", "SPDXRef-Package-stdlib"},
		},
	}
	for i, dep := range info.Deps {
		id := "SPDXRef-Package-" + strconv.Itoa(i+1) + "-" + spdxRefSafe(dep.Path)
		doc.Packages = append(doc.Packages, modulePackage(id, dep))
		doc.Relationships = append(doc.Relationships, spdxRelationship{"SPDXRef-Package-main", "DEPENDS_ON", id})
	}
	return doc
}

type resourceDescriptor struct {
	Name        string            `json:"name,omitempty"`
	URI         string            `json:"uri,omitempty"`
	Digest      map[string]string `json:"digest,omitempty"`
	Annotations map[string]any    `json:"annotations,omitempty"`
}

type statement struct {
	Type          string               `json:"_type"`
	Subject       []resourceDescriptor `json:"subject"`
	PredicateType string               `json:"predicateType"`
	Predicate     slsaProvenance       `json:"predicate"`
}

type slsaProvenance struct {
	BuildDefinition struct {
		BuildType            string               `json:"buildType"`
		ExternalParameters   json.RawMessage      `json:"externalParameters"`
		InternalParameters   map[string]any       `json:"internalParameters"`
		ResolvedDependencies []resourceDescriptor `json:"resolvedDependencies"`
	} `json:"buildDefinition"`
	RunDetails struct {
		Builder struct {
			ID      string            `json:"id"`
			Version map[string]string `json:"version"`
		} `json:"builder"`
	} `json:"runDetails"`
}

// imageDependency names an image as a docker-image URI, with its digest when the reference pins one.
func imageDependency(ref string) resourceDescriptor {
	d := resourceDescriptor{URI: "docker-image://" + ref}
	if i := strings.LastIndex(ref, "@sha256:"); i >= 0 {
		d.Digest = map[string]string{"sha256": ref[i+len("@sha256:"):]}
	}
	return d
}

func provenance(spec recordsSpec, t specTarget, r buildRecord, info *debug.BuildInfo, subject resourceDescriptor) statement {
	s := statement{
		Type: "https://in-toto.io/Statement/v1", Subject: []resourceDescriptor{subject},
		PredicateType: "https://slsa.dev/provenance/v1",
	}
	def := &s.Predicate.BuildDefinition
	def.BuildType = spec.BuildType
	def.ExternalParameters = t.Parameters
	settings := map[string]any{}
	for _, bs := range info.Settings {
		settings[bs.Key] = bs.Value
	}
	def.InternalParameters = map[string]any{"goVersion": info.GoVersion, "mainModule": info.Main.Path, "buildSettings": settings}
	for _, ref := range t.Images {
		def.ResolvedDependencies = append(def.ResolvedDependencies, imageDependency(ref))
	}
	def.ResolvedDependencies = append(def.ResolvedDependencies,
		resourceDescriptor{Name: "rpk.json", Digest: map[string]string{"sha256": spec.Plan.SHA256}},
		resourceDescriptor{Name: "sources", Digest: map[string]string{"sha256": r.Sources.SHA256}, Annotations: map[string]any{"files": r.Sources.Files}},
	)
	s.Predicate.RunDetails.Builder.ID = spec.Builder.ID
	s.Predicate.RunDetails.Builder.Version = map[string]string{"rpk": spec.Builder.Version}
	return s
}
