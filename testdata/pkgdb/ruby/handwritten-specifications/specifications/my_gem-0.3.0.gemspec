# A hand-written spec (what `gem build` reads, not what RubyGems writes on install).
Gem::Specification.new do |spec|
  spec.name          = 'my_gem' # the gem
  spec.version       = Gem::Version.new('0.3.0')
  spec.authors       = ['Someone']
  spec.summary       = 'spec.version = "0.0.1" in a string is not an assignment'
  # spec.version = "0.0.2" in a comment is not one either
  spec.files         = Dir['lib/**/*.rb']
end
